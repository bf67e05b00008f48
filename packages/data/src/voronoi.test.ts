import type { Triple } from '@unet3d/core';
import { createRng } from '@unet3d/core';
import { describe, expect, it } from 'vitest';
import { voronoiLabels } from './voronoi.js';
import { randomWarp, warpRow } from './warp.js';

describe('voronoiLabels', () => {
  it('assigns every voxel to its truly nearest seed (binned lookup = brute force)', () => {
    const shape: Triple = [6, 20, 24];
    const anisotropy = 2;
    const cellSize = 7;
    const rng = createRng(9);
    const warp = randomWarp(rng, { amplitude: 2, wavelength: 17, termsPerAxis: 2 });
    const { labels, seeds } = voronoiLabels({ shape, anisotropy, cellSize, warp, rng });
    const seedOfLabel = new Map<number, number>();
    const disp = new Float64Array(3 * shape[2]);
    for (let z = 0; z < shape[0]; z++) {
      for (let y = 0; y < shape[1]; y++) {
        warpRow(warp, (z + 0.5) * anisotropy, y + 0.5, shape[2], disp);
        for (let x = 0; x < shape[2]; x++) {
          const q = [
            (z + 0.5) * anisotropy + disp[3 * x]!,
            y + 0.5 + disp[3 * x + 1]!,
            x + 0.5 + disp[3 * x + 2]!,
          ];
          let best = -1;
          let bestD = Infinity;
          for (let k = 0; k < seeds.length / 3; k++) {
            const d =
              (q[0]! - seeds[3 * k]!) ** 2 +
              (q[1]! - seeds[3 * k + 1]!) ** 2 +
              (q[2]! - seeds[3 * k + 2]!) ** 2;
            if (d < bestD) [best, bestD] = [k, d];
          }
          const label = labels[(z * shape[1] + y) * shape[2] + x]!;
          if (!seedOfLabel.has(label)) seedOfLabel.set(label, best);
          expect(seedOfLabel.get(label)).toBe(best);
        }
      }
    }
    // one label per seed: the mapping is injective
    expect(new Set(seedOfLabel.values()).size).toBe(seedOfLabel.size);
  });

  it('numbers cells 1..cellCount in scan order', () => {
    const { labels, cellCount } = voronoiLabels({
      shape: [4, 16, 16],
      anisotropy: 2,
      cellSize: 6,
      warp: null,
      rng: createRng(1),
    });
    expect(labels[0]).toBe(1);
    let max = 0;
    for (const l of labels) {
      expect(l).toBeLessThanOrEqual(max + 1);
      max = Math.max(max, l);
    }
    expect(max).toBe(cellCount);
  });
});
