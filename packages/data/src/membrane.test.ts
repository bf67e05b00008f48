import type { Triple } from '@unet3d/core';
import { describe, expect, it } from 'vitest';
import { membraneMask } from './membrane.js';

/** A 1×1×8 row: label 1 for x < 4, 2 for x ≥ 4 (interface between x = 3 and x = 4). */
const row = Uint32Array.from([1, 1, 1, 1, 2, 2, 2, 2]);
const rowShape: Triple = [1, 1, 8];

describe('membraneMask', () => {
  it('marks a band of `width` voxels centred on each interface', () => {
    expect([...membraneMask(row, rowShape, [0, 0, 1])]).toEqual([0, 0, 0, 1, 0, 0, 0, 0]);
    expect([...membraneMask(row, rowShape, [0, 0, 2])]).toEqual([0, 0, 0, 1, 1, 0, 0, 0]);
    expect([...membraneMask(row, rowShape, [0, 0, 3])]).toEqual([0, 0, 1, 1, 1, 0, 0, 0]);
    expect([...membraneMask(row, rowShape, [0, 0, 4])]).toEqual([0, 0, 1, 1, 1, 1, 0, 0]);
    expect([...membraneMask(row, rowShape, [0, 0, 0])]).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
  });
  it('works along z with its own width and leaves a uniform volume alone', () => {
    const col = Uint32Array.from([5, 5, 6, 6]);
    expect([...membraneMask(col, [4, 1, 1], [1, 2, 2])]).toEqual([0, 1, 0, 0]);
    expect([...membraneMask(col, [4, 1, 1], [2, 2, 2])]).toEqual([0, 1, 1, 0]);
    expect([...membraneMask(new Uint32Array(27).fill(3), [3, 3, 3], [2, 2, 2])].every((v) => v === 0)).toBe(
      true,
    );
  });
});
