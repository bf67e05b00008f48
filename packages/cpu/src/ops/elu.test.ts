import { ShapeError } from '@unet3d/core';
import { describe, expect, it } from 'vitest';
import { dataOf, dev64, dot, expectGradient, randomValues, rng, upload } from './grad-check.test-helpers.js';

describe('ELU (CPU)', () => {
  it('computes x for x > 0 and alpha·(eˣ − 1) otherwise', () => {
    const d = dev64();
    const y = d.ops.elu(upload(d, [-2, -0.5, 0, 0.5, 3], [5]), 1.5);
    const expected = [1.5 * (Math.exp(-2) - 1), 1.5 * (Math.exp(-0.5) - 1), 0, 0.5, 3];
    const yd = d.download(y);
    for (let i = 0; i < expected.length; i++) expect(yd[i]).toBeCloseTo(expected[i]!, 15);
  });

  it('backward from the output: dy where y > 0, dy·(y + alpha) elsewhere', () => {
    const d = dev64();
    const y = upload(d, [-1, 0, 2], [3]);
    const dx = d.ops.eluBackward(upload(d, [2, 3, 4], [3]), y, 1.5);
    expect(Array.from(d.download(dx))).toEqual([2 * 0.5, 3 * 1.5, 4]);
    expect(() => d.ops.eluBackward(d.zeros([2]), y, 1)).toThrow(ShapeError);
  });

  it('backward matches central differences (float64, odd shape)', () => {
    const d = dev64();
    const shape = [2, 3, 3, 4, 5] as const;
    const next = rng(11);
    const x = upload(d, randomValues(next, 360, -3, 3), shape);
    const w = randomValues(next, 360);
    const alpha = 0.7;
    const y = d.ops.elu(x, alpha);
    const dx = d.ops.eluBackward(upload(d, w, shape), y, alpha);
    const loss = () => dot(w, dataOf(d.ops.elu(x, alpha)));
    expect(expectGradient(loss, x.data, dataOf(dx))).toBeLessThan(1e-3);
  });
});
