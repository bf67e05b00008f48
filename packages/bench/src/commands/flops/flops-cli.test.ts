import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { paperGflop } from '@unet3d/paper';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const repoRoot = fileURLToPath(new URL('../../../../../', import.meta.url));
const cli = ['--conditions=@unet3d/source', '--import', 'tsx', 'packages/bench/src/bin.ts', 'flops'];

describe('unet3d flops (spawned)', () => {
  it('prints one JSON document whose totals reproduce Table 1', async () => {
    const { stdout } = await run(process.execPath, [...cli, '--model', 'strided', '--json'], {
      cwd: repoRoot,
    });
    const doc = JSON.parse(stdout);
    expect(doc.model).toBe('strided');
    expect(doc.input).toEqual([64, 128, 128]);
    expect(doc.batch).toBe(1);
    expect(doc.layers[0]).toMatchObject({ name: 'embed', op: 'conv', forwardMacs: 64 * 64 * 64 * 24 * 25 });
    const t = doc.totals;
    expect(t.forwardMacs + t.backwardDataMacs + t.backwardFilterMacs).toBe(96_899_198_976);
    expect(t.iterationFlop).toBeGreaterThan(2 * 96_899_198_976);
    expect(t.params).toBeGreaterThan(0);
    expect(doc.paper.table1Gflop).toBe(paperGflop('strided'));
  });
  it('exits non-zero with one line for a patch the pooling cannot divide', async () => {
    const err = await run(process.execPath, [...cli, '--model', 'baseline', '--input', '60,128,128'], {
      cwd: repoRoot,
    }).then(
      () => undefined,
      (e: { code: number; stderr: string; stdout: string }) => e,
    );
    expect(err?.code).toBe(1);
    expect(err?.stdout).toBe('');
    expect(err?.stderr.trim().split('\n')).toEqual([
      'unet3d: error: patch size D (z) = 60 is not divisible by 16 ' +
        '(with 5 levels D must be a multiple of 16 and H, W multiples of 16)',
    ]);
  });
});

describe('unet3d flops: the first problem named is the one on the command line', () => {
  it('an unknown option is named before the missing --model', async () => {
    const err = await run(process.execPath, [...cli, '--bogus'], { cwd: repoRoot }).then(
      () => undefined,
      (e: { code: number; stderr: string }) => e,
    );
    expect(err?.code).toBe(1);
    expect(err?.stderr.trim().split('\n')).toEqual([
      "unet3d: error: unknown option '--bogus' (see unet3d flops --help)",
    ]);
  });
  it('without --model: one line naming it and the models', async () => {
    const err = await run(process.execPath, cli, { cwd: repoRoot }).then(
      () => undefined,
      (e: { code: number; stderr: string }) => e,
    );
    expect(err?.code).toBe(1);
    expect(err?.stderr.trim().split('\n')).toEqual([
      'unet3d: error: missing --model (allowed models: baseline, strided, scaled)',
    ]);
  });
});
