import { ShapeError } from '@unet3d/core';
import { describe, expect, it } from 'vitest';
import { dataOf, dev64, dot, expectGradient, randomValues, rng, upload } from './grad-check.test-helpers.js';

describe('2×2×2 max pool (CPU)', () => {
  it('returns the maximum and its offset dz·4 + dy·2 + dx for each window', () => {
    const d = dev64();
    // one window per test value: the winner at offset k
    for (let k = 0; k < 8; k++) {
      const v = [0, 0, 0, 0, 0, 0, 0, 0];
      v[k] = 5;
      const { y, argmax } = d.ops.maxPool2x(upload(d, v, [1, 1, 2, 2, 2]));
      expect(Array.from(d.download(y))).toEqual([5]);
      expect(Array.from(d.download(argmax))).toEqual([k]);
    }
  });

  it('breaks ties by the first offset and propagates NaN', () => {
    const d = dev64();
    const ties = d.ops.maxPool2x(upload(d, [1, 3, 2, 3, 3, 0, 3, 1], [1, 1, 2, 2, 2]));
    expect(Array.from(d.download(ties.argmax))).toEqual([1]);
    const allEqual = d.ops.maxPool2x(upload(d, [2, 2, 2, 2, 2, 2, 2, 2], [1, 1, 2, 2, 2]));
    expect(Array.from(d.download(allEqual.argmax))).toEqual([0]);
    const nan = d.ops.maxPool2x(upload(d, [1, 9, Number.NaN, 3, 4, 5, 6, 7], [1, 1, 2, 2, 2]));
    expect(Number.isNaN(d.download(nan.y)[0])).toBe(true);
    expect(Array.from(d.download(nan.argmax))).toEqual([2]);
  });

  it('pools a 1×1×2×4×4 input with windows laid out in D, H, W order', () => {
    const d = dev64();
    const v = Array.from({ length: 32 }, (_, i) => i);
    const { y, argmax } = d.ops.maxPool2x(upload(d, v, [1, 1, 2, 4, 4]));
    expect(y.shape).toEqual([1, 1, 1, 2, 2]);
    expect(Array.from(d.download(y))).toEqual([21, 23, 29, 31]);
    expect(Array.from(d.download(argmax))).toEqual([7, 7, 7, 7]);
  });

  it('drops odd trailing planes, rows and columns (floor), and rejects windows that do not fit', () => {
    const d = dev64();
    const { y } = d.ops.maxPool2x(d.zeros([2, 3, 3, 4, 5]));
    expect(y.shape).toEqual([2, 3, 1, 2, 2]);
    expect(() => d.ops.maxPool2x(d.zeros([1, 1, 1, 4, 4]))).toThrow(ShapeError);
  });

  it('backward routes dy to the winner and matches central differences (float64, odd shape)', () => {
    const d = dev64();
    const shape = [2, 3, 3, 4, 5] as const;
    const next = rng(3);
    const x = upload(d, randomValues(next, 360), shape);
    const w = randomValues(next, 2 * 3 * 1 * 2 * 2);
    const { y, argmax } = d.ops.maxPool2x(x);
    const dx = d.ops.maxPool2xBackward(upload(d, w, y.shape), argmax, shape);
    expect(dx.shape).toEqual(shape);
    const loss = () => dot(w, dataOf(d.ops.maxPool2x(x).y));
    expect(expectGradient(loss, x.data, dataOf(dx))).toBeLessThan(1e-3);
    expect(() => d.ops.maxPool2xBackward(d.zeros([1]), argmax, shape)).toThrow(ShapeError);
  });
});
