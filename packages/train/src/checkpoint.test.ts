import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataFileError } from '@unet3d/core';
import { describe, expect, it } from 'vitest';
import {
  type Checkpoint,
  configDifferences,
  decodeCheckpoint,
  readCheckpoint,
  writeCheckpoint,
} from './checkpoint.js';

const sample = (): Checkpoint => ({
  config: {
    model: 'strided',
    channels: [2, 2],
    input: [1, 1, 4, 8, 8],
    seed: 3,
    lr: 0.001,
    data: 'synthetic',
  },
  iteration: 7,
  state: {
    version: 1,
    step: 7,
    tensors: [
      { name: 'a.weight', shape: [2, 1, 1, 1, 3], data: Float32Array.from([1, 2, 3, 4, 5, 6]) },
      { name: 'a.bias', shape: [2], data: Float64Array.from([0.5, -0.25]) },
    ],
  },
});

describe('checkpoint file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'unet3d-ckpt-'));

  it('round-trips through an atomic write, leaving no temp file', async () => {
    const path = join(dir, 'a.ckpt');
    await writeCheckpoint(path, sample());
    expect(readdirSync(dir).filter((f) => f.startsWith('a.ckpt'))).toEqual(['a.ckpt']);
    const back = readCheckpoint(path)!;
    expect(back.iteration).toBe(7);
    expect(back.config).toEqual(sample().config);
    expect(back.state.step).toBe(7);
    expect(back.state.tensors.map((t) => [t.name, [...t.shape], [...t.data]])).toEqual([
      ['a.weight', [2, 1, 1, 1, 3], [1, 2, 3, 4, 5, 6]],
      ['a.bias', [2], [0.5, -0.25]],
    ]);
    expect(readCheckpoint(join(dir, 'missing.ckpt'))).toBeUndefined();
  });

  it('rejects a flipped byte, a truncated file and a foreign file with one-line errors', async () => {
    const path = join(dir, 'b.ckpt');
    await writeCheckpoint(path, sample());
    const bytes = readFileSync(path);
    const flipped = Buffer.from(bytes);
    flipped[flipped.length - 40]! ^= 0xff;
    expect(() => decodeCheckpoint(flipped, 'x')).toThrow(/corrupt \(checksum mismatch\)/);
    expect(() => decodeCheckpoint(bytes.subarray(0, bytes.length - 5), 'x')).toThrow(DataFileError);
    expect(() =>
      decodeCheckpoint(Buffer.from('hello world, not a checkpoint at all, really not'), 'x'),
    ).toThrow(/not a unet3d checkpoint/);
    writeFileSync(path, bytes.subarray(0, 10));
    expect(() => readCheckpoint(path)).toThrow(/corrupt \(only 10 bytes\)/);
  });

  it('names the config fields that differ', () => {
    expect(configDifferences({ a: 1, b: [1, 2] }, { a: 1, b: [1, 3], c: 'x' })).toEqual(['b', 'c']);
  });
});
