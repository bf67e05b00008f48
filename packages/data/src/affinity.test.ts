import type { Triple } from '@unet3d/core';
import { createRng } from '@unet3d/core';
import { describe, expect, it } from 'vitest';
import {
  AFFINITY_OFFSETS,
  affinities,
  affinitiesInRegion,
  nearestNeighbourChannels,
  offsetReach,
} from './affinity.js';

// A hand-built 2×3×3 label volume (z, y, x); 0 is membrane.
const labels = Uint32Array.from([
  // z = 0
  1, 1, 2, 1, 1, 2, 3, 3, 0,
  // z = 1
  1, 1, 2, 4, 1, 2, 3, 3, 3,
]);
const shape: Triple = [2, 3, 3];
const NN: Triple[] = [
  [-1, 0, 0],
  [0, -1, 0],
  [0, 0, -1],
];

describe('AFFINITY_OFFSETS', () => {
  it('has 12 maps, nearest neighbours first', () => {
    expect(AFFINITY_OFFSETS).toHaveLength(12);
    expect(nearestNeighbourChannels.map((c) => AFFINITY_OFFSETS[c])).toEqual(NN);
    expect(new Set(AFFINITY_OFFSETS.map((o) => o.join())).size).toBe(12);
    expect(offsetReach()).toEqual([8, 16, 16]);
  });
});

describe('affinities', () => {
  const { target, mask } = affinities(labels, shape, NN);
  const channel = (a: Float32Array, c: number) => [...a.subarray(c * 18, (c + 1) * 18)];

  it('z: same non-zero label as the voxel below in z', () => {
    expect(channel(target, 0)).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 0, 1, 1, 1, 1, 0]);
    expect(channel(mask, 0)).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1]);
  });
  it('y: same non-zero label as the voxel at y − 1', () => {
    expect(channel(target, 1)).toEqual([0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 1, 1, 0, 0, 0]);
    expect(channel(mask, 1)).toEqual([0, 0, 0, 1, 1, 1, 1, 1, 1, 0, 0, 0, 1, 1, 1, 1, 1, 1]);
  });
  it('x: same non-zero label as the voxel at x − 1', () => {
    expect(channel(target, 2)).toEqual([0, 1, 0, 0, 1, 0, 0, 1, 0, 0, 1, 0, 0, 0, 0, 0, 1, 1]);
    expect(channel(mask, 2)).toEqual([0, 1, 1, 0, 1, 1, 0, 1, 1, 0, 1, 1, 0, 1, 1, 0, 1, 1]);
  });
  it('never connects background (label 0) voxels, even to each other', () => {
    const zeros = affinities(new Uint32Array(18), shape, NN);
    expect(zeros.target.every((v) => v === 0)).toBe(true);
    expect(zeros.mask.some((v) => v === 1)).toBe(true);
  });
  it('masks long-range partners outside the volume', () => {
    const row = new Uint32Array(20).fill(7);
    const { target: t, mask: m } = affinities(row, [1, 1, 20], [[0, 0, -16]]);
    const expected = Array.from({ length: 20 }, (_, x) => (x >= 16 ? 1 : 0));
    expect([...t]).toEqual(expected);
    expect([...m]).toEqual(expected);
  });
  it('handles positive offsets too', () => {
    const { target: t, mask: m } = affinities(Uint32Array.from([1, 1, 2]), [1, 1, 3], [[0, 0, 1]]);
    expect([...t]).toEqual([1, 0, 0]);
    expect([...m]).toEqual([1, 1, 0]);
  });
  it('a region equals the crop of the whole-volume targets', () => {
    const rng = createRng(2);
    const vol: Triple = [6, 7, 8];
    const l = Uint32Array.from({ length: 6 * 7 * 8 }, () => rng.int(3));
    const full = affinities(l, vol);
    const origin: Triple = [1, 2, 3];
    const size: Triple = [4, 3, 5];
    const part = affinitiesInRegion(l, vol, AFFINITY_OFFSETS, origin, size);
    for (let c = 0; c < 12; c++) {
      for (let z = 0; z < 4; z++) {
        for (let y = 0; y < 3; y++) {
          for (let x = 0; x < 5; x++) {
            const i = ((c * 4 + z) * 3 + y) * 5 + x;
            const j = ((c * 6 + z + 1) * 7 + y + 2) * 8 + x + 3;
            expect(part.target[i]).toBe(full.target[j]);
            expect(part.mask[i]).toBe(full.mask[j]);
          }
        }
      }
    }
  });
  it('rejects a region outside the volume or a size mismatch', () => {
    expect(() => affinitiesInRegion(labels, shape, NN, [1, 0, 0], [2, 3, 3])).toThrow(/inside/);
    expect(() => affinities(labels, [2, 3, 4], NN)).toThrow(/voxels/);
  });
});
