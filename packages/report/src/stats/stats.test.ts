import { seededRng } from '@unet3d/core';
import { describe, expect, it } from 'vitest';
import { bootstrapMedianRatio } from './bootstrap.js';
import { holmAdjust } from './holm.js';
import { erfc, mannWhitneyGreater } from './mann-whitney.js';

describe('seededRng', () => {
  it('repeats for a seed and differs across seeds', () => {
    const a = seededRng(7);
    const b = seededRng(7);
    const xs = Array.from({ length: 5 }, () => a.next());
    expect(Array.from({ length: 5 }, () => b.next())).toEqual(xs);
    expect(seededRng(8).next()).not.toBe(xs[0]);
    const r = seededRng(1);
    const normals = Array.from({ length: 4000 }, () => r.normal());
    const mean = normals.reduce((s, v) => s + v, 0) / normals.length;
    expect(Math.abs(mean)).toBeLessThan(0.06);
  });
});

describe('mannWhitneyGreater', () => {
  it('gives exact tail probabilities for small samples', () => {
    // All of x above all of y: U = 9, p = 1 / C(6,3) = 0.05.
    const r = mannWhitneyGreater([4, 5, 6], [1, 2, 3]);
    expect(r).toMatchObject({ u: 9, method: 'exact' });
    expect(r.pGreater).toBeCloseTo(0.05, 12);
    expect(r.minAttainableP).toBeCloseTo(0.05, 12);
    expect(mannWhitneyGreater([1, 2, 3], [4, 5, 6]).pGreater).toBeCloseTo(1, 12);
    // x = [2, 4], y = [1, 3]: U = 3 of 4; P(U ≥ 3) = 2/6.
    expect(mannWhitneyGreater([2, 4], [1, 3]).pGreater).toBeCloseTo(2 / 6, 12);
  });
  it('uses the tie-corrected normal approximation with ties or large samples', () => {
    const r = mannWhitneyGreater([1, 2, 2, 3, 5], [1, 1, 2, 2, 2]);
    expect(r.method).toBe('normal');
    expect(r.pGreater).toBeGreaterThan(0.05);
    const x = Array.from({ length: 40 }, (_, i) => i + 0.5);
    const y = Array.from({ length: 40 }, (_, i) => i);
    const big = mannWhitneyGreater(x, y);
    expect(big.method).toBe('normal');
    expect(big.pGreater).toBeGreaterThan(0.2);
    expect(erfc(0)).toBeCloseTo(1, 6);
    expect(erfc(1)).toBeCloseTo(0.157299207, 6);
  });
});

describe('holmAdjust', () => {
  it('steps down and keeps order', () => {
    expect(holmAdjust([0.01, 0.04, 0.03])).toEqual([0.03, 0.06, 0.06]);
    expect(holmAdjust([0.5, 0.9])).toEqual([1, 1]);
  });
});

describe('bootstrapMedianRatio', () => {
  it('brackets the observed ratio and is reproducible', () => {
    const rng = seededRng(3);
    const base = Array.from({ length: 15 }, () => 10 * Math.exp(0.03 * rng.normal()));
    const cur = base.map((v) => v * 1.2);
    const a = bootstrapMedianRatio(base, cur, seededRng(1), 0.01, 500);
    const b = bootstrapMedianRatio(base, cur, seededRng(1), 0.01, 500);
    expect(a).toEqual(b);
    expect(a.ratio).toBeCloseTo(1.2, 9);
    expect(a.lower).toBeLessThanOrEqual(a.ratio);
    expect(a.upper).toBeGreaterThanOrEqual(a.ratio);
    expect(a.lower).toBeGreaterThan(1.05);
  });
});
