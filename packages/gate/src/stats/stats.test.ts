import { seededRng } from '@unet3d/core';
import { describe, expect, it } from 'vitest';
import { bootstrapMedianRatio } from './bootstrap.js';
import { holmAdjust } from './holm.js';
import { mannWhitneyGreater } from './mann-whitney.js';
import { binomial, samplesNeeded } from './samples-needed.js';

describe('mannWhitneyGreater', () => {
  it('gives exact tail probabilities without ties', () => {
    // All of x above all of y: U = 9, p = 1 / C(6,3) = 0.05.
    const r = mannWhitneyGreater([4, 5, 6], [1, 2, 3]);
    expect(r).toMatchObject({ u: 9, method: 'exact' });
    expect(r.pGreater).toBeCloseTo(0.05, 12);
    expect(r.minAttainableP).toBeCloseTo(0.05, 12);
    expect(mannWhitneyGreater([1, 2, 3], [4, 5, 6]).pGreater).toBeCloseTo(1, 12);
    // x = [2, 4], y = [1, 3]: U = 3 of 4; P(U ≥ 3) = 2/6.
    expect(mannWhitneyGreater([2, 4], [1, 3]).pGreater).toBeCloseTo(2 / 6, 12);
    // 5 vs 5 completely separated: 1 / C(10,5) = 1/252.
    expect(mannWhitneyGreater([6, 7, 8, 9, 10], [1, 2, 3, 4, 5]).pGreater).toBeCloseTo(1 / 252, 12);
  });

  it('uses the exact conditional distribution with ties (hand-counted subsets)', () => {
    // Pooled 1,2,3,3,3,3 → mid-ranks 1,2,4.5,4.5,4.5,4.5; W(x) = 13.5 needs all three x's among the 4.5s:
    // C(4,3) = 4 of C(6,3) = 20 subsets → p = 0.2, which is also the smallest attainable p.
    const a = mannWhitneyGreater([3, 3, 3], [1, 2, 3]);
    expect(a).toMatchObject({ u: 7.5, method: 'exact' });
    expect(a.pGreater).toBeCloseTo(0.2, 12);
    expect(a.minAttainableP).toBeCloseTo(0.2, 12);
    // Pooled 1,1,2,3,3,3 → ranks 1.5,1.5,3,5,5,5; W(x = 2,3,3) = 13: subsets with sum ≥ 13 are {5,5,5} (1)
    // and {3,5,5} (3) → 4/20; the largest sum 15 has 1/20.
    const b = mannWhitneyGreater([2, 3, 3], [1, 1, 3]);
    expect(b.pGreater).toBeCloseTo(0.2, 12);
    expect(b.minAttainableP).toBeCloseTo(0.05, 12);
    // x = [2, 2], y = [1, 2]: ranks 1,3,3,3; W = 6 for the 3 subsets without rank 1 → 3/6.
    expect(mannWhitneyGreater([2, 2], [1, 2]).pGreater).toBeCloseTo(0.5, 12);
    // All tied: nothing can be shown.
    expect(mannWhitneyGreater([0, 0, 0], [0, 0, 0]).minAttainableP).toBeCloseTo(1, 12);
  });

  it('agrees with the normal approximation where both apply, and uses it for large samples', () => {
    const rng = seededRng(5);
    const x = Array.from({ length: 30 }, () => rng.normal() + 0.6);
    const y = Array.from({ length: 30 }, () => rng.normal());
    const exact = mannWhitneyGreater(x, y);
    expect(exact.method).toBe('exact');
    const bigX = [...x, 100];
    const normal = mannWhitneyGreater(bigX, y);
    expect(normal.method).toBe('normal');
    expect(normal.pGreater).toBeLessThan(exact.pGreater);
    expect(Math.abs(normal.pGreater - exact.pGreater)).toBeLessThan(0.01);
    const big = mannWhitneyGreater(
      Array.from({ length: 40 }, (_, i) => i + 0.5),
      Array.from({ length: 40 }, (_, i) => i),
    );
    expect(big.method).toBe('normal');
    expect(big.pGreater).toBeGreaterThan(0.2);
    expect(big.pGreater).toBeLessThan(0.5);
  });
});

describe('samplesNeeded', () => {
  it('is the least n with family / C(2n, n) ≤ α', () => {
    expect(binomial(10, 5)).toBe(252);
    expect(binomial(12, 6)).toBe(924);
    // 4 rows at α = 0.01: 4/252 = 0.0159 > 0.01, 4/924 = 0.0043 ≤ 0.01.
    expect(samplesNeeded(4, 0.01)).toBe(6);
    // One test at α = 0.05: 1/C(6,3) = 0.05 ≤ 0.05.
    expect(samplesNeeded(1, 0.05)).toBe(3);
    expect(samplesNeeded(1, 0.01)).toBe(5);
  });
});

describe('holmAdjust', () => {
  it('steps down and keeps order', () => {
    expect(holmAdjust([0.01, 0.04, 0.03])).toEqual([0.03, 0.06, 0.06]);
    expect(holmAdjust([0.5, 0.9])).toEqual([1, 1]);
    expect(holmAdjust([])).toEqual([]);
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
