import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const repoRoot = fileURLToPath(new URL('../../../../../', import.meta.url));
const cli = ['--conditions=@unet3d/source', '--import', 'tsx', 'packages/bench/src/bin.ts', 'doctor'];
const dir = mkdtempSync(join(tmpdir(), 'unet3d-doctor-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** This CPU's /proc/cpuinfo fields, read here without the code under test. */
const cpuinfo = readFileSync('/proc/cpuinfo', 'utf8');
const flags = new Set((/^flags\s*:\s*(.*)$/m.exec(cpuinfo)?.[1] ?? '').split(/\s+/));
const hasAvx2 = flags.has('avx2') && flags.has('fma');

const { UNET3D_CPU_FEATURES: _override, ...withoutOverride } = process.env;

async function doctor(env: Record<string, string> = {}, results = dir) {
  const { stdout } = await run(process.execPath, [...cli, '--json', '--results', results], {
    cwd: repoRoot,
    // The hardware's own path unless a test names an override (the suite may run under UNET3D_CPU_FEATURES).
    env: { ...withoutOverride, ...env },
    timeout: 180_000,
  });
  return JSON.parse(stdout);
}

describe('unet3d doctor (spawned)', () => {
  it('reports the identity /proc/cpuinfo gives, the measured roof, and no GPU without a driver', async () => {
    const r = await doctor();
    const family = Number(/^cpu family\s*:\s*(\d+)/m.exec(cpuinfo)?.[1]);
    const model = Number(/^model\s*:\s*(\d+)/m.exec(cpuinfo)?.[1]);
    expect(r.identity.identity.family).toBe(Number.isNaN(family) ? null : family);
    expect(r.identity.identity.model).toBe(Number.isNaN(model) ? null : model);
    expect(r.identity.identity.isa).toBe(
      flags.has('avx512f')
        ? flags.has('amx_tile')
          ? 'amx'
          : 'avx512'
        : hasAvx2
          ? 'avx2'
          : r.identity.identity.isa,
    );
    expect(r.identity.slug).toMatch(new RegExp(`-${r.identity.identity.isa}-\\d+c$`));
    expect(r.kernels.vectorWidthFp32).toBe(flags.has('avx512f') ? 16 : flags.has('avx') ? 8 : 4);
    // An fp32 FMA loop on any x86-64 of the last decade does at least a few GFLOP/s on one core.
    expect(r.roofs.problem).toBeNull();
    expect(r.roofs.peakFp32GflopPerSecond).toBeGreaterThan(1);
    expect(typeof r.quiet.summary).toBe('string');
    expect(r.gpu.usable).toBe(false);
    expect(r.tuning.logs).toEqual([]);
    expect(r.tuning.summary).toContain(`none for ${r.identity.slug}`);
  }, 240_000);

  it.skipIf(!hasAvx2)(
    'with UNET3D_CPU_FEATURES=avx2 the kernels take the AVX2 path and the log of that identity applies (needs AVX2)',
    async () => {
      const plain = await doctor();
      const slug = String(plain.identity.slug).replace(/-(amx|avx512|avx2)-(\d+c)$/, '-avx2-$2');
      const logDir = join(dir, 'results', 'tuning', slug);
      mkdirSync(logDir, { recursive: true });
      writeFileSync(join(logDir, 'scaled-fp32.jsonl'), '');
      const r = await doctor({ UNET3D_CPU_FEATURES: 'avx2' }, join(dir, 'results'));
      expect(r.identity.slug).toBe(slug);
      expect(r.identity.hardwareIsa).toBe(plain.identity.identity.isa);
      expect(r.identity.override).toBe(plain.identity.identity.isa === 'avx2' ? null : 'avx2');
      expect(r.kernels.vectorWidthFp32).toBe(8);
      expect(r.kernels.registers).toBe(16);
      if (r.identity.override) expect(r.kernels.flags).toContain('-mno-avx512f');
      expect(r.tuning.logs).toEqual([join(logDir, 'scaled-fp32.jsonl')]);
    },
    240_000,
  );

  it('a bad UNET3D_CPU_FEATURES is one line and exit 1', async () => {
    const err = await run(process.execPath, [...cli], {
      cwd: repoRoot,
      env: { ...process.env, UNET3D_CPU_FEATURES: 'avx9000' },
    }).then(
      () => undefined,
      (e: { code: number; stderr: string; stdout: string }) => e,
    );
    expect(err?.code).toBe(1);
    expect(err?.stdout).toBe('');
    const lines = err?.stderr.trim().split('\n') ?? [];
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^unet3d: error: UNET3D_CPU_FEATURES='avx9000' is not an ISA level/);
  }, 60_000);
});
