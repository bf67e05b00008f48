import { ShapeError } from '@unet3d/core';
import { describe, expect, it } from 'vitest';
import { dataOf, dev64, dot, expectGradient, randomValues, rng, upload } from './grad-check.test-helpers.js';

describe('bias (CPU)', () => {
  it('biasAddInto broadcasts a per-channel bias over N, D, H, W', () => {
    const d = dev64();
    const x = d.zeros([2, 2, 1, 1, 2]);
    d.ops.biasAddInto(x, upload(d, [1, -3], [2]));
    expect(Array.from(d.download(x))).toEqual([1, 1, -3, -3, 1, 1, -3, -3]);
    expect(() => d.ops.biasAddInto(x, d.zeros([3]))).toThrow(ShapeError);
  });

  it('biasGrad sums dy over N, D, H, W per channel', () => {
    const d = dev64();
    const dy = upload(d, [1, 2, 3, 4, 5, 6, 7, 8], [2, 2, 1, 1, 2]);
    const g = d.ops.biasGrad(dy);
    expect(g.shape).toEqual([2]);
    expect(Array.from(d.download(g))).toEqual([1 + 2 + 5 + 6, 3 + 4 + 7 + 8]);
  });

  it('biasGrad is the gradient of Σ w ⊙ (x + b) w.r.t. b (central differences, float64)', () => {
    const d = dev64();
    const shape = [2, 3, 3, 4, 5] as const;
    const next = rng(5);
    const xv = randomValues(next, 360);
    const w = randomValues(next, 360);
    const bias = upload(d, randomValues(next, 3), [3]);
    const loss = () => {
      const x = upload(d, xv, shape);
      d.ops.biasAddInto(x, bias);
      return dot(w, x.data);
    };
    const g = d.ops.biasGrad(upload(d, w, shape));
    expect(expectGradient(loss, bias.data, dataOf(g))).toBeLessThan(1e-3);
  });
});
