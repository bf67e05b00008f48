import { describe, expect, it } from 'vitest';
import { affinityAccuracy } from './affinity-accuracy.js';

describe('affinity voxel accuracy', () => {
  // N = 1, C = 4, D = H = 1, W = 3: 12 values, channel c holds [3c, 3c + 3).
  const shape = [1, 4, 1, 1, 3] as const;
  const pred = Float32Array.from([
    0.9, 0.4, 0.6, /* y */ 0.1, 0.7, 0.5, /* x */ 0.8, 0.2, 0.3, /* long */ 0.9, 0.9, 0.9,
  ]);
  const target = Float32Array.from([1, 0, 0, /* y */ 0, 1, 1, /* x */ 1, 1, 0, /* long */ 0, 0, 0]);
  const mask = Float32Array.from([0, 1, 1, /* y */ 1, 1, 1, /* x */ 1, 1, 1, /* long */ 1, 1, 1]);
  it('nearest-neighbour maps at 0.5 over masked voxels, by hand', () => {
    // z: voxel 0 masked; 0.4→0 vs 0 ✓; 0.6→1 vs 0 ✗            → 1/2
    // y: 0.1→0 vs 0 ✓; 0.7→1 vs 1 ✓; 0.5→0 (not > 0.5) vs 1 ✗  → 2/3
    // x: 0.8→1 vs 1 ✓; 0.2→0 vs 1 ✗; 0.3→0 vs 0 ✓              → 2/3
    // total 5/8; the long-range map (all wrong) is not scored
    const r = affinityAccuracy(pred, target, mask, [...shape]);
    expect(r.correct).toBe(5);
    expect(r.counted).toBe(8);
    expect(r.accuracy).toBe(5 / 8);
    expect(r.perChannel.map((c) => [c.correct, c.counted])).toEqual([
      [1, 2],
      [2, 3],
      [2, 3],
    ]);
    expect(affinityAccuracy(pred, target, mask, [...shape], { channels: [0, 1, 2, 3] }).accuracy).toBe(
      5 / 11,
    );
  });
  it('refuses mismatched lengths and channels', () => {
    expect(() => affinityAccuracy(pred, target, mask.subarray(1), [...shape])).toThrow(/mask has 11 values/);
    expect(() => affinityAccuracy(pred, target, mask, [...shape], { channels: [4] })).toThrow(/channel 4/);
  });
});
