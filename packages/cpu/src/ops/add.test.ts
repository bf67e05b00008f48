import { ShapeError } from '@unet3d/core';
import { describe, expect, it } from 'vitest';
import { dev64, upload } from './grad-check.test-helpers.js';

describe('add / addInto (CPU)', () => {
  it('add allocates a + b; addInto accumulates in place', () => {
    const d = dev64();
    const a = upload(d, [1, 2, 3, 4], [1, 1, 1, 2, 2]);
    const b = upload(d, [10, 20, 30, 40], [1, 1, 1, 2, 2]);
    const c = d.ops.add(a, b);
    expect(Array.from(d.download(c))).toEqual([11, 22, 33, 44]);
    expect(Array.from(d.download(a))).toEqual([1, 2, 3, 4]);
    d.ops.addInto(a, b);
    d.ops.addInto(a, b);
    expect(Array.from(d.download(a))).toEqual([21, 42, 63, 84]);
  });

  it('rejects shape mismatches', () => {
    const d = dev64();
    expect(() => d.ops.add(d.zeros([1, 1, 1, 2, 2]), d.zeros([1, 1, 2, 1, 2]))).toThrow(ShapeError);
    expect(() => d.ops.addInto(d.zeros([4]), d.zeros([5]))).toThrow(ShapeError);
  });
});
