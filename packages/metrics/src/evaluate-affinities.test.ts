import { affinities } from '@unet3d/data';
import { describe, expect, it } from 'vitest';
import { evaluateAffinities } from './evaluate-affinities.js';

describe('evaluateAffinities', () => {
  const labels = Uint32Array.from([1, 1, 2, 2]); // 1×1×4
  const shape = [1, 1, 4] as const;

  it('a perfect prediction scores accuracy 1 and adapted Rand error 0', () => {
    const { target } = affinities(labels, [...shape]);
    const r = evaluateAffinities(target, labels, [...shape]);
    expect(r.accuracy.accuracy).toBe(1);
    expect(r.accuracyAllMaps.accuracy).toBe(1);
    expect(r.adaptedRand.error).toBe(0);
    expect(r.segments).toBe(2);
  });

  it('"everything connected" (all 0.9), by hand', () => {
    // Only the x map has partners (D = H = 1): edges x=1..3 with targets 1 (1|1), 0 (1|2), 1 (2|2);
    // predicting 1 everywhere gets 2 of 3 right. Long-range x maps (−4, −8, −16) have no partner in 4 voxels.
    // One segment: t = (2, 2), s = (4): sumA = 8, sumB = 16, sumAB = 4 + 4 = 8 → P = 1/2, R = 1, F = 2/3.
    const r = evaluateAffinities(new Float32Array(12 * 4).fill(0.9), labels, [...shape]);
    expect(r.accuracy.correct).toBe(2);
    expect(r.accuracy.counted).toBe(3);
    expect(r.accuracyAllMaps.counted).toBe(3);
    expect(r.segments).toBe(1);
    expect(r.adaptedRand.error).toBeCloseTo(1 / 3, 12);
  });

  it('refuses a prediction of the wrong size', () => {
    expect(() => evaluateAffinities(new Float32Array(4), labels, [...shape])).toThrow(/12 maps/);
  });
});
