import type { Triple } from '@unet3d/core';
import { describe, expect, it } from 'vitest';
import { generateSyntheticVolume } from './synthetic-volume.js';

const small: Triple = [16, 40, 40];

/** Bitwise equality of two typed arrays (vitest's deep equality is slow on large arrays). */
function sameBits(a: ArrayBufferView, b: ArrayBufferView): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(
    Buffer.from(b.buffer, b.byteOffset, b.byteLength),
  );
}

function meanStd(a: Float32Array): { mean: number; std: number } {
  let s = 0;
  for (const v of a) s += v;
  const mean = s / a.length;
  let ss = 0;
  for (const v of a) ss += (v - mean) ** 2;
  return { mean, std: Math.sqrt(ss / a.length) };
}

/** Mean length of runs of one non-zero label along an axis (0 z, 1 y). */
function meanRun(labels: Uint32Array, [D, H, W]: Triple, axis: 0 | 1): number {
  let runs = 0;
  let voxels = 0;
  const n = axis === 0 ? D : H;
  const m = axis === 0 ? H : D;
  for (let j = 0; j < m; j++) {
    for (let x = 0; x < W; x++) {
      let prev = -1;
      for (let i = 0; i < n; i++) {
        const [z, y] = axis === 0 ? [i, j] : [j, i];
        const l = labels[(z * H + y) * W + x]!;
        if (l !== prev) runs++;
        voxels++;
        prev = l;
      }
    }
  }
  return voxels / runs;
}

describe('generateSyntheticVolume', () => {
  it('is deterministic per seed and differs across seeds', () => {
    const a = generateSyntheticVolume({ shape: small, seed: 11 });
    const b = generateSyntheticVolume({ shape: small, seed: 11 });
    const c = generateSyntheticVolume({ shape: small, seed: 12 });
    expect(sameBits(b.image, a.image)).toBe(true);
    expect(sameBits(b.labels, a.labels)).toBe(true);
    expect(sameBits(c.image, a.image)).toBe(false);
    expect(sameBits(c.labels, a.labels)).toBe(false);
    expect(a.image).toHaveLength(16 * 40 * 40);
    expect(a.shape).toEqual(small);
    expect(a.params).toMatchObject({ cellSize: 24, anisotropy: 2, membraneWidth: 2, seed: 11 });
  });

  it('keeps the labels when only image options change', () => {
    const a = generateSyntheticVolume({ shape: small, seed: 5 });
    const b = generateSyntheticVolume({ shape: small, seed: 5, noise: 0.5, blurSigma: 2 });
    expect(sameBits(b.labels, a.labels)).toBe(true);
    expect(sameBits(b.image, a.image)).toBe(false);
  });

  it('has a plausible number of cells for the cell size', () => {
    // Physical extent 64×64×64 at cellSize 16: 64 seed cubes inside, up to 6³ counting the border ring.
    const v = generateSyntheticVolume({ shape: [32, 64, 64], seed: 3, cellSize: 16 });
    expect(v.cellCount).toBeGreaterThan(0.8 * 64);
    expect(v.cellCount).toBeLessThanOrEqual(216);
    const ids = new Set(v.labels);
    expect(ids.has(0)).toBe(true); // membranes
    expect(Math.max(...ids)).toBeLessThanOrEqual(v.cellCount);
    expect(ids.size - 1).toBeGreaterThan(0.9 * v.cellCount);
  });

  it('is standardised, with membranes darker than cytoplasm', () => {
    const v = generateSyntheticVolume({ shape: small, seed: 4 });
    const { mean, std } = meanStd(v.image);
    expect(Math.abs(mean)).toBeLessThan(1e-4);
    expect(Math.abs(std - 1)).toBeLessThan(1e-4);
    let mem = 0;
    let nMem = 0;
    let cyt = 0;
    let nCyt = 0;
    v.labels.forEach((l, i) => {
      if (l === 0) {
        mem += v.image[i]!;
        nMem++;
      } else {
        cyt += v.image[i]!;
        nCyt++;
      }
    });
    const fraction = nMem / v.labels.length;
    expect(fraction).toBeGreaterThan(0.05);
    expect(fraction).toBeLessThan(0.45);
    expect(mem / nMem).toBeLessThan(cyt / nCyt - 1);
  });

  it('makes cells shorter along z, in voxels, as anisotropy grows', () => {
    const opts = { seed: 8, cellSize: 16, membraneWidth: 0, warp: 0 };
    const iso = generateSyntheticVolume({ ...opts, shape: [48, 48, 48], anisotropy: 1 });
    const aniso = generateSyntheticVolume({ ...opts, shape: [24, 48, 48], anisotropy: 2 });
    const ratioIso = meanRun(iso.labels, iso.shape, 0) / meanRun(iso.labels, iso.shape, 1);
    const ratioAniso = meanRun(aniso.labels, aniso.shape, 0) / meanRun(aniso.labels, aniso.shape, 1);
    expect(ratioIso).toBeGreaterThan(0.8);
    expect(ratioIso).toBeLessThan(1.25);
    expect(ratioAniso).toBeGreaterThan(0.35);
    expect(ratioAniso).toBeLessThan(0.65);
  });

  it('rejects bad options with a reason', () => {
    expect(() => generateSyntheticVolume({ shape: [0, 4, 4], seed: 1 })).toThrow(/shape/);
    expect(() => generateSyntheticVolume({ shape: [4, 4, 4], seed: 1.5 })).toThrow(/seed/);
    expect(() => generateSyntheticVolume({ shape: [4, 4, 4], seed: 1, anisotropy: 0 })).toThrow(/anisotropy/);
    expect(() => generateSyntheticVolume({ shape: [4, 4, 4], seed: 1, membraneWidth: 1.5 })).toThrow(
      /membraneWidth/,
    );
    expect(() => generateSyntheticVolume({ shape: [4, 4, 4], seed: 1, warp: 0.9 })).toThrow(/warp/);
  });
});
