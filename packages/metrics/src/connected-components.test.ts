import { affinities } from '@unet3d/data';
import { describe, expect, it } from 'vitest';
import { adaptedRandError } from './adapted-rand.js';
import { connectedComponents } from './connected-components.js';

describe('connected components of nearest-neighbour affinities', () => {
  it('a hand-made 1×3×3 volume', () => {
    // Maps (z, y, x), each 1×3×3. Edges drawn (value > 0.5):
    //   x: (0,0)–(0,1) at x-map (0,1); (0,1)–(0,2) at (0,2); (2,1)–(2,2) at (2,2); (1,1)–(1,2) is 0.5: NOT joined
    //   y: (0,0)–(1,0) at y-map (1,0)
    // Components in raster order: {(0,0),(0,1),(0,2),(1,0)} = 1, (1,1) = 2, (1,2) = 3, (2,0) = 4, {(2,1),(2,2)} = 5
    const V = 9;
    const aff = new Float32Array(3 * V);
    const x = (y: number, xx: number) => 2 * V + y * 3 + xx;
    const y = (yy: number, xx: number) => V + yy * 3 + xx;
    aff[x(0, 1)] = 0.9;
    aff[x(0, 2)] = 0.7;
    aff[x(2, 2)] = 0.51;
    aff[x(1, 2)] = 0.5;
    aff[y(1, 0)] = 1;
    aff[y(2, 1)] = 0.2;
    aff[0] = 1; // z-map at z = 0 has no partner: ignored
    expect(Array.from(connectedComponents(aff, [1, 3, 3]))).toEqual([1, 1, 1, 1, 2, 3, 4, 5, 5]);
    expect(Array.from(connectedComponents(aff, [1, 3, 3], { isolatedAsBackground: true }))).toEqual([
      1, 1, 1, 1, 0, 0, 0, 2, 2,
    ]);
    // at 0.8 only x (0,0)–(0,1) (0.9) and y (0,0)–(1,0) (1.0) remain
    expect(Array.from(connectedComponents(aff, [1, 3, 3], { threshold: 0.8 }))).toEqual([
      1, 1, 2, 1, 3, 4, 5, 6, 7,
    ]);
  });

  it('joins along z through the z map (2×1×2)', () => {
    // voxels (z,x): (0,0) (0,1) (1,0) (1,1); z-map at (1,1) = 0.9 joins (0,1)–(1,1)
    const aff = new Float32Array(3 * 4);
    aff[3] = 0.9;
    expect(Array.from(connectedComponents(aff, [2, 1, 2]))).toEqual([1, 2, 3, 2]);
  });

  it('true affinities of a labelled volume give back its segmentation (adapted Rand error 0)', () => {
    const shape = [3, 6, 6] as const;
    const labels = new Uint32Array(108);
    for (let z = 0; z < 3; z++)
      for (let yy = 0; yy < 6; yy++)
        for (let xx = 0; xx < 6; xx++)
          labels[(z * 6 + yy) * 6 + xx] = xx === 2 ? 0 : xx < 2 ? 1 : yy < 3 ? 2 : 3;
    // labels 2 and 3 touch along y = 2|3 with no membrane: their affinity there is 0, so they stay apart
    const { target } = affinities(labels, [...shape]);
    const seg = connectedComponents(target, [...shape]);
    expect(adaptedRandError(seg, labels).error).toBe(0);
    expect(new Set(Array.from(seg).filter((_, i) => labels[i] !== 0)).size).toBe(3);
  });

  it('refuses too few maps', () => {
    expect(() => connectedComponents(new Float32Array(8), [1, 2, 2])).toThrow(/need ≥ 3 maps/);
  });
});
