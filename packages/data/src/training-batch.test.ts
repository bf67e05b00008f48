import { describe, expect, it } from 'vitest';
import { makeTrainingBatch } from './training-batch.js';

function sameBits(a: ArrayBufferView, b: ArrayBufferView): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(
    Buffer.from(b.buffer, b.byteOffset, b.byteLength),
  );
}

describe('makeTrainingBatch', () => {
  const options = { patch: [4, 16, 16] as const, batch: 2, seed: 3, cellSize: 12 };
  const b = makeTrainingBatch(options);

  it('returns NCDHW input, targets and an all-valid mask', () => {
    expect(b.inputShape).toEqual([2, 1, 4, 16, 16]);
    expect(b.targetShape).toEqual([2, 12, 4, 16, 16]);
    expect(b.input).toHaveLength(2 * 4 * 16 * 16);
    expect(b.target).toHaveLength(2 * 12 * 4 * 16 * 16);
    expect(b.mask.every((m) => m === 1)).toBe(true);
    expect(b.target.some((t) => t === 1) && b.target.some((t) => t === 0)).toBe(true);
    expect(b.volumeSeeds).toHaveLength(2);
    expect(b.volumeSeeds[0]).not.toBe(b.volumeSeeds[1]);
  });

  it('is deterministic per seed and differs across seeds', () => {
    const again = makeTrainingBatch(options);
    const other = makeTrainingBatch({ ...options, seed: 4 });
    expect(sameBits(again.input, b.input) && sameBits(again.target, b.target)).toBe(true);
    expect(sameBits(other.input, b.input)).toBe(false);
  });

  it('rejects a bad batch size or a margin smaller than the affinity reach', () => {
    expect(() => makeTrainingBatch({ ...options, batch: 0 })).toThrow(/batch/);
    expect(() => makeTrainingBatch({ ...options, margin: [1, 1, 1] })).toThrow(/margin/);
  });
});
