import { ShapeError } from '@unet3d/core';
import { describe, expect, it } from 'vitest';
import { CpuDevice } from '../cpu-device.js';
import { dataOf, dev64, dot, expectGradient, randomValues, rng, upload } from './grad-check.test-helpers.js';

const opts = { momentum: 0.1, eps: 1e-5 };

describe('batch norm (CPU)', () => {
  it('normalises each channel to mean 0, variance 1 (γ=1, β=0), then applies γ and β', () => {
    const d = dev64();
    const shape = [2, 3, 3, 4, 5] as const;
    const next = rng(1);
    const xv = randomValues(next, 360, -2, 5);
    const x = upload(d, xv, shape);
    const ones = upload(d, [1, 1, 1], [3]);
    const zeros = d.zeros([3]);
    const { y } = d.ops.batchNormTrain(x, ones, zeros, d.zeros([3]), upload(d, [1, 1, 1], [3]), opts);
    const yd = d.download(y);
    const gamma = [2, 0.5, -1];
    const beta = [0.3, -1, 4];
    const { y: y2 } = d.ops.batchNormTrain(
      x,
      upload(d, gamma, [3]),
      upload(d, beta, [3]),
      d.zeros([3]),
      d.zeros([3]),
      opts,
    );
    const y2d = d.download(y2);
    for (let c = 0; c < 3; c++) {
      let s = 0;
      let s2 = 0;
      for (let n = 0; n < 2; n++) for (let i = 0; i < 60; i++) s += yd[n * 180 + c * 60 + i]!;
      const mean = s / 120;
      for (let n = 0; n < 2; n++) for (let i = 0; i < 60; i++) s2 += (yd[n * 180 + c * 60 + i]! - mean) ** 2;
      expect(mean).toBeCloseTo(0, 12);
      expect(s2 / 120).toBeCloseTo(1, 4); // 1 − eps/var
      for (let n = 0; n < 2; n++)
        for (let i = 0; i < 60; i++) {
          const k = n * 180 + c * 60 + i;
          expect(y2d[k]).toBeCloseTo(gamma[c]! * yd[k]! + beta[c]!, 12);
        }
    }
  });

  it('matches hand-computed output and running statistics (unbiased variance, momentum) after one step', () => {
    const d = dev64();
    const x = upload(d, [1, 2, 3, 4], [1, 1, 1, 2, 2]);
    const rm = upload(d, [0.5], [1]);
    const rv = upload(d, [2], [1]);
    const { y, saved } = d.ops.batchNormTrain(x, upload(d, [1], [1]), upload(d, [0], [1]), rm, rv, opts);
    // mean 2.5, biased var 1.25, unbiased var 5/3
    const is = 1 / Math.sqrt(1.25 + 1e-5);
    expect(Array.from(d.download(y))).toEqual([-1.5 * is, -0.5 * is, 0.5 * is, 1.5 * is]);
    expect(d.download(saved.mean)[0]).toBe(2.5);
    expect(d.download(saved.invStd)[0]).toBeCloseTo(is, 14);
    expect(d.download(rm)[0]).toBeCloseTo(0.9 * 0.5 + 0.1 * 2.5, 14);
    expect(d.download(rv)[0]).toBeCloseTo(0.9 * 2 + (0.1 * 5) / 3, 14);
  });

  it('is accurate when |mean| ≫ std (shifted sums)', () => {
    const d = dev64();
    const x = upload(d, [1e6 + 1, 1e6 + 2, 1e6 + 3, 1e6 + 4], [1, 1, 1, 2, 2]);
    const { saved } = d.ops.batchNormTrain(x, upload(d, [1], [1]), d.zeros([1]), d.zeros([1]), d.zeros([1]), {
      momentum: 0.1,
      eps: 0,
    });
    expect(d.download(saved.mean)[0]).toBe(1e6 + 2.5);
    expect(d.download(saved.invStd)[0]).toBeCloseTo(1 / Math.sqrt(1.25), 12);
  });

  it('inference mode uses the running statistics', () => {
    const d = dev64();
    const x = upload(d, [1, 2, 3, 4, 5, 6, 7, 8], [1, 2, 1, 2, 2]);
    const y = d.ops.batchNormInfer(
      x,
      upload(d, [2, -1], [2]),
      upload(d, [0.5, 1], [2]),
      upload(d, [1, 4], [2]),
      upload(d, [4, 0.25], [2]),
      0,
    );
    expect(Array.from(d.download(y))).toEqual([0.5, 1.5, 2.5, 3.5, 1 - 2, 1 - 4, 1 - 6, 1 - 8]);
  });

  it('backward matches central differences for dx, dγ, dβ (float64, odd shape)', () => {
    const d = dev64();
    const shape = [2, 3, 3, 4, 5] as const;
    const next = rng(7);
    const x = upload(d, randomValues(next, 360, -1, 3), shape);
    const gamma = upload(d, randomValues(next, 3, 0.5, 1.5), [3]);
    const beta = upload(d, randomValues(next, 3), [3]);
    const w = randomValues(next, 360);
    const rm = d.zeros([3]);
    const rv = d.zeros([3]);
    const loss = () => dot(w, dataOf(d.ops.batchNormTrain(x, gamma, beta, rm, rv, opts).y));
    const { saved } = d.ops.batchNormTrain(x, gamma, beta, rm, rv, opts);
    const g = d.ops.batchNormBackward(upload(d, w, shape), x, gamma, saved);
    expect(expectGradient(loss, x.data, dataOf(g.dx))).toBeLessThan(1e-3);
    expect(expectGradient(loss, gamma.data, dataOf(g.dgamma))).toBeLessThan(1e-3);
    expect(expectGradient(loss, beta.data, dataOf(g.dbeta))).toBeLessThan(1e-3);
  });

  it('rejects mismatched parameter sizes and single-value channels', () => {
    const d = new CpuDevice({ native: 'off' });
    const x = d.zeros([1, 2, 1, 2, 2]);
    const v2 = d.zeros([2]);
    expect(() => d.ops.batchNormTrain(x, d.zeros([3]), v2, v2, v2, opts)).toThrow(ShapeError);
    const one = d.zeros([1, 1, 1, 1, 1]);
    const v1 = d.zeros([1]);
    expect(() => d.ops.batchNormTrain(one, v1, v1, v1, v1, opts)).toThrow(ShapeError);
  });
});
