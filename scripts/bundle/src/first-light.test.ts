import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const script = join(repoRoot, 'scripts', 'gpu-first-light.sh');

/** Run the first-light script with only these environment variables (no UNET3D_NODE from the caller). */
function firstLight(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync('bash', [script, ...args], {
    env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: tmpdir(), ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('gpu-first-light.sh --plan: the steps in order of value, inside 7 minutes', () => {
  it('probe → verify cuDNN → device ops → iteration → rows 1-3 → tune → row 4 → tf32, boxes adding to ≤ 420 s', () => {
    const r = firstLight(['--plan']);
    expect(r.code).toBe(0);
    const steps = [...r.stdout.matchAll(/^\d{2} (\S+): (?:box (\d+) s|skipped)/gm)].map((m) => ({
      name: m[1],
      box: Number(m[2] ?? 0),
    }));
    expect(steps.map((s) => s.name)).toEqual([
      'probe',
      'verify-cudnn-fp32',
      'device-ops',
      'iteration',
      'bench-rows1-3-fp32',
      'tune-scaled',
      'bench-row4',
      'bench-rows1-3-tf32',
    ]);
    const total = steps.reduce((a, s) => a + s.box, 0);
    expect(total).toBeLessThanOrEqual(420);
    // The probe has time to print versions; tuning and row 4 keep boxes of their own even when every
    // earlier step fills its box.
    expect(steps[0]!.box).toBeGreaterThanOrEqual(30);
    expect(steps.find((s) => s.name === 'tune-scaled')!.box).toBeGreaterThanOrEqual(60);
    expect(steps.find((s) => s.name === 'bench-row4')!.box).toBeGreaterThanOrEqual(60);
  });
});

describe('gpu-first-light.sh without what must travel: one line, exit 2', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'unet3d-first-light-test-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('no node.xz (and no UNET3D_NODE): one line naming it and how to build it; never a node from PATH', () => {
    const carry = join(dir, 'carry-no-node');
    mkdirSync(carry);
    writeFileSync(join(carry, 'unet3d-gpu.tar.xz'), 'not used');
    const out = join(dir, 'out-no-node');
    const r = firstLight([out], { FIRST_LIGHT_CARRY: carry });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(
      /^gpu-first-light: no node: .*node\.xz is missing .*pnpm bundle --gpu --node-xz/,
    );
    expect(readdirSync(out)).toEqual(['summary.log']);
    expect(readFileSync(join(out, 'summary.log'), 'utf8')).toBe(r.stderr);
  });

  it('no GPU bundle: one line naming the archive', () => {
    const carry = join(dir, 'carry-empty');
    mkdirSync(carry);
    const r = firstLight([join(dir, 'out-empty')], { FIRST_LIGHT_CARRY: carry });
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain(`no GPU bundle: ${join(carry, 'unet3d-gpu.tar.xz')} is missing`);
  });

  it('a node.xz that does not unpack to a working node: one line', () => {
    const carry = join(dir, 'carry-bad-node');
    mkdirSync(carry);
    writeFileSync(join(carry, 'unet3d-gpu.tar.xz'), 'not used');
    writeFileSync(join(carry, 'node.xz'), 'not xz data');
    const r = firstLight([join(dir, 'out-bad-node')], { FIRST_LIGHT_CARRY: carry });
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/no node: .* does not run/);
  });
});
