/**
 * `unet3d train --image/--labels` and `unet3d evaluate` as a user runs them (child processes): the 20-slice
 * TIFF fixture pair (written by Python's tifffile) trains and validates; evaluate scores the checkpoint on
 * the HDF5 copy (h5py) of the same data and gets the same validation accuracy; bad input is one line, exit 1,
 * and no checkpoint is written.
 */
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeTiffStack } from '@unet3d/data';
import { describe, expect, it } from 'vitest';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../../../../..');
const bin = join(repo, 'packages/bench/src/bin.ts');
const fx = join(repo, 'packages/data/fixtures');
const h5 = join(fx, 'em.h5');

function cli(args: readonly string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['--conditions=@unet3d/source', '--import', 'tsx', bin, ...args], {
    cwd: repo,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => {
    stdout += c;
  });
  child.stderr.on('data', (c: Buffer) => {
    stderr += c;
  });
  return new Promise((done) => child.on('close', (code) => done({ code, stdout, stderr })));
}

const dir = mkdtempSync(join(tmpdir(), 'unet3d-evaluate-'));
const TINY = ['--model', 'baseline', '--channels', '2,2,2,2,2', '--input', '16,16,16', '--batch', '2'];
const train = (image: string, labels: string, checkpoint: string) =>
  cli([
    'train',
    ...TINY,
    ...['--backend', 'reference', '--iterations', '2', '--validate-every', '1', '--seed', '3'],
    ...['--image', image, '--labels', labels, '--split', 'x:0.8', '--checkpoint', checkpoint],
  ]);

function expectOneLine(r: { code: number | null; stderr: string }, pattern: RegExp): void {
  expect(r.code).toBe(1);
  const lines = r.stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^unet3d: error: /);
  expect(lines[0]).toMatch(pattern);
}

describe('train on EM files, then evaluate', () => {
  it('trains on the TIFF pair, evaluates on the HDF5 copy; bad input is one line', async () => {
    const ckpt = join(dir, 'tiny.ckpt');
    const trained = await train(join(fx, 'em-image.tif'), join(fx, 'em-labels32.tif'), ckpt);
    expect(trained.stderr).toBe('');
    expect(trained.code).toBe(0);
    const done =
      /validation nearest-neighbour affinity accuracy (\d+\.\d\d)%, adapted Rand error (\d\.\d{4})/.exec(
        trained.stdout,
      );
    expect(done).not.toBeNull();
    expect(trained.stdout).toMatch(/validation at iteration 1: /);

    // Bad input, all at once: a truncated checkpoint, a truncated TIFF, labels of another shape.
    const cut = join(dir, 'cut.ckpt');
    writeFileSync(cut, readFileSync(ckpt).subarray(0, 300));
    const badTif = join(dir, 'bad.tif');
    writeFileSync(badTif, readFileSync(join(fx, 'em-image.tif')).subarray(0, 5000));
    const narrow = join(dir, 'narrow-labels.tif');
    await writeTiffStack(narrow, new Uint32Array(20 * 48 * 40).fill(1), [20, 48, 40]);
    copyFileSync(ckpt, join(dir, 'kept.ckpt'));
    const evalArgs = ['--image', `${h5}:/volumes/raw`, '--labels', `${h5}:/volumes/labels/neuron_ids32`];
    const [evaluated, otherModel, truncatedCkpt, missing, corrupt, mismatched] = await Promise.all([
      cli(['evaluate', '--checkpoint', ckpt, '--backend', 'reference', '--json', ...evalArgs]),
      cli(['evaluate', '--checkpoint', ckpt, '--model', 'scaled', ...evalArgs]),
      cli(['evaluate', '--checkpoint', cut, ...evalArgs]),
      train(join(dir, 'nope.tif'), join(fx, 'em-labels32.tif'), join(dir, 'a.ckpt')),
      train(badTif, join(fx, 'em-labels32.tif'), join(dir, 'b.ckpt')),
      train(join(fx, 'em-image.tif'), narrow, join(dir, 'c.ckpt')),
    ]);
    expect(evaluated.stderr).toBe('');
    expect(evaluated.code).toBe(0);
    const r = JSON.parse(evaluated.stdout) as Record<string, unknown>;
    expect(r['model']).toBe('baseline');
    expect(r['iteration']).toBe(2);
    expect(r['shape']).toEqual([20, 48, 10]);
    // Same weights, same validation voxels (from HDF5 now): the accuracy train printed.
    expect(((r['accuracy'] as number) * 100).toFixed(2)).toBe(done![1]);
    expect((r['adaptedRandError'] as number).toFixed(4)).toBe(done![2]);

    expectOneLine(otherModel, /is of model 'baseline', not 'scaled'/);
    expectOneLine(truncatedCkpt, /checkpoint .*cut\.ckpt is corrupt/);
    expectOneLine(missing, /nope\.tif/);
    expectOneLine(corrupt, /bad\.tif/);
    expectOneLine(mismatched, /\[20,48,48\].*\[20,48,40\]/);
    for (const name of ['a.ckpt', 'b.ckpt', 'c.ckpt']) expect(existsSync(join(dir, name))).toBe(false);
    // The good checkpoint is untouched by the failed runs.
    expect(readFileSync(ckpt).equals(readFileSync(join(dir, 'kept.ckpt')))).toBe(true);
  });
});
