import type { Triple } from '@unet3d/core';
import { createRng } from '@unet3d/core';
import { describe, expect, it } from 'vitest';
import { AFFINITY_OFFSETS, affinities } from './affinity.js';
import { samplePatch } from './patch.js';
import { generateSyntheticVolume } from './synthetic-volume.js';

const volume = generateSyntheticVolume({ shape: [12, 40, 44], seed: 21, cellSize: 12 });
const patch: Triple = [4, 10, 12];

describe('samplePatch', () => {
  it('crops the image and the whole-volume affinity targets at a seeded position', () => {
    const p = samplePatch(volume, patch, createRng(1));
    expect(p.inputShape).toEqual([1, 1, 4, 10, 12]);
    expect(p.targetShape).toEqual([1, 12, 4, 10, 12]);
    const [oz, oy, ox] = p.origin;
    const [, H, W] = volume.shape;
    const full = affinities(volume.labels, volume.shape);
    const per = 4 * 10 * 12;
    for (let z = 0; z < 4; z++) {
      for (let y = 0; y < 10; y++) {
        for (let x = 0; x < 12; x++) {
          const i = (z * 10 + y) * 12 + x;
          const j = ((oz + z) * H + oy + y) * W + ox + x;
          expect(p.input[i]).toBe(volume.image[j]);
          for (const c of [0, 5, 11]) {
            expect(p.target[c * per + i]).toBe(full.target[c * volume.labels.length + j]);
            expect(p.mask[c * per + i]).toBe(full.mask[c * volume.labels.length + j]);
          }
        }
      }
    }
  });

  it('draws the same position for the same rng seed, others for other seeds', () => {
    const at = (seed: number) => samplePatch(volume, patch, createRng(seed)).origin;
    expect(at(3)).toEqual(at(3));
    const origins = new Set([1, 2, 3, 4, 5, 6].map((s) => at(s).join()));
    expect(origins.size).toBeGreaterThan(1);
  });

  it('honours a context so every target is valid', () => {
    const p = samplePatch(volume, [4, 20, 20], createRng(9), { context: [8, 16, 16] });
    expect(p.origin[0]).toBe(8);
    expect(p.origin[1]).toBeGreaterThanOrEqual(16);
    expect(p.mask.every((m) => m === 1)).toBe(true);
    expect(p.target).toHaveLength(AFFINITY_OFFSETS.length * 4 * 20 * 20);
  });

  it('rejects a patch that does not fit', () => {
    expect(() => samplePatch(volume, [13, 4, 4], createRng(1))).toThrow(/does not fit/);
    expect(() => samplePatch(volume, [0, 4, 4], createRng(1))).toThrow(/positive/);
  });
});
