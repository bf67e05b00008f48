import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { flopsAnalytic } from '@unet3d/report';
import { sampleRun } from '@unet3d/report/testing';
import { describe, expect, it } from 'vitest';
import { parseAlpha, parseFraction } from './parse-gate-options.js';
import { runGateCommand } from './run-gate.js';

const analytic = flopsAnalytic();
const patch = [16, 32, 32] as const;

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (t: string) => out.push(t), err: (t: string) => err.push(t) }, out, err };
}

async function files() {
  const dir = await mkdtemp(join(tmpdir(), 'unet3d-gate-'));
  const write = async (name: string, value: unknown) => {
    const p = join(dir, name);
    await writeFile(p, typeof value === 'string' ? value : JSON.stringify(value));
    return p;
  };
  return { dir, write };
}

describe('unet3d gate', () => {
  it('exits 0 for the same run and 1 when a layer is 20% slower, naming it', async () => {
    const { dir, write } = await files();
    const a = await write('a.json', sampleRun({ analytic, patch, seed: 1 }));
    const slow = { row: 1, layer: 'enc0.conv2', pass: 'forward' as const, factor: 1.2 };
    const b = await write('b.json', sampleRun({ analytic, patch, seed: 2, slow }));
    const same = capture();
    expect(await runGateCommand({ baseline: a, current: a, resamples: 300 }, same.io)).toBe(0);
    expect(same.out.join('')).toMatch(/✅/);
    const slower = capture();
    const summary = join(dir, 'summary.md');
    expect(await runGateCommand({ baseline: a, current: b, resamples: 300, summary }, slower.io)).toBe(1);
    expect(slower.out.join('')).toMatch(/`baseline-cudnn` \/ `enc0\.conv2` forward/);
    // A threshold above the slowdown passes.
    const lenient = capture();
    expect(
      await runGateCommand({ baseline: a, current: b, resamples: 300, maxSlowdown: 0.3 }, lenient.io),
    ).toBe(0);
  });

  it('gives one clear line for each invalid input', async () => {
    const { dir, write } = await files();
    const good = sampleRun({ analytic, patch, seed: 1 });
    const corrupt = await write('corrupt.json', JSON.stringify(good).slice(0, 100));
    const v2 = await write('v2.json', { ...good, schemaVersion: 2 });
    const c = capture();
    expect(await runGateCommand({ baseline: join(dir, 'missing.json'), current: corrupt }, c.io)).toBe(1);
    expect(c.err).toHaveLength(2);
    expect(c.err[0]).toMatch(/^unet3d: error: results file not found: .*missing\.json/);
    expect(c.err[1]).toMatch(/not valid JSON/);
    expect(c.err.every((l) => l.split('\n').length === 2)).toBe(true);
    const d = capture();
    expect(await runGateCommand({ baseline: v2, current: v2 }, d.io)).toBe(1);
    expect(d.err[0]).toMatch(/schemaVersion 2; this build reads schemaVersion 1/);
  });

  it('parses thresholds', () => {
    expect(parseFraction('5%', '--max-slowdown')).toBeCloseTo(0.05, 12);
    expect(parseFraction('0.1', '--max-slowdown')).toBeCloseTo(0.1, 12);
    expect(() => parseFraction('abc', '--max-slowdown')).toThrow(/--max-slowdown must be/);
    expect(() => parseFraction('150%', '--max-slowdown')).toThrow();
    expect(parseAlpha('0.01')).toBe(0.01);
    expect(() => parseAlpha('2')).toThrow(/--alpha/);
  });
});
