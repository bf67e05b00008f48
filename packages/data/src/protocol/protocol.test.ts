import { fileURLToPath } from 'node:url';
import type { Triple } from '@unet3d/core';
import { createRng } from '@unet3d/core';
import { describe, expect, it } from 'vitest';
import { nearestNeighbourChannels } from '../affinity.js';
import { readLabelledVolume } from '../io/open-volume.js';
import type { LabelledVolume } from '../patch.js';
import { anisotropyRescale, rescaledShape, SNEMI3D_VOXEL_NM } from './anisotropy.js';
import { applyGeometric, applyIntensity, drawEmAugmentation, type EmAugmentation } from './augment.js';
import { makeEmTrainingBatch, sampleEmPatch } from './em-batch.js';
import { readProtocolVolume } from './read-protocol-volume.js';
import { resampleImage, resampleLabels } from './resample.js';
import { rescaleToAnisotropy } from './rescale-volume.js';
import { parseSplit, splitVolume } from './split.js';

const close = (a: ArrayLike<number>, b: number[]) => {
  expect(a.length).toBe(b.length);
  b.forEach((v, i) => {
    expect(a[i]).toBeCloseTo(v, 6);
  });
};

describe('anisotropy', () => {
  it('SNEMI3D 6×6×30 nm to anisotropy 2: xy to 15 nm (1024 → 410), or z to 12 nm (100 → 250)', () => {
    const down = anisotropyRescale(SNEMI3D_VOXEL_NM, 2);
    close(down.scale, [1, 0.4, 0.4]);
    close(down.voxelNm, [30, 15, 15]);
    expect(rescaledShape([100, 1024, 1024], down.scale)).toEqual([100, 410, 410]);
    const up = anisotropyRescale(SNEMI3D_VOXEL_NM, 2, 'upsample-z');
    close(up.scale, [2.5, 1, 1]);
    close(up.voxelNm, [12, 6, 6]);
    expect(rescaledShape([100, 1024, 1024], up.scale)).toEqual([250, 1024, 1024]);
    expect(() => anisotropyRescale(SNEMI3D_VOXEL_NM, 6)).toThrow(/above the data's 5/);
    expect(() => anisotropyRescale([30, 6, 5], 2)).toThrow(/square/);
    expect(() => anisotropyRescale(SNEMI3D_VOXEL_NM, 0)).toThrow(/positive/);
  });
});

describe('resampling (worked out by hand)', () => {
  const row = (v: number[]) => [Float32Array.from(v), [1, 1, v.length] as Triple] as const;
  it('area 5 → 2 along x: [0,1,2,3,4] → [(0+1+0.5·2)/2.5, (0.5·2+3+4)/2.5] = [0.8, 3.2]', () => {
    const [img, shape] = row([0, 1, 2, 3, 4]);
    close(resampleImage(img, shape, [1, 1, 2], 'area'), [0.8, 3.2]);
  });
  it('linear 4 → 2: centres at 0.5 and 2.5 of [0,2,4,6] → [1, 5]; 2 → 4: [0,4] → [0,1,3,4]', () => {
    const [img, shape] = row([0, 2, 4, 6]);
    close(resampleImage(img, shape, [1, 1, 2], 'linear'), [1, 5]);
    const [img2, shape2] = row([0, 4]);
    // centres (i+0.5)/2−0.5 = −0.25 (clamped to 0), 0.25, 0.75, 1.25 (clamped to 1)
    close(resampleImage(img2, shape2, [1, 1, 4], 'linear'), [0, 1, 3, 4]);
    close(resampleImage(img2, shape2, [1, 1, 4], 'area'), [0, 0, 4, 4]);
  });
  it('3-D area downsampling by 2 in y and x averages 2×2 blocks; constants stay constant', () => {
    const shape: Triple = [2, 4, 4];
    const img = Float32Array.from({ length: 32 }, (_, i) => i);
    const out = resampleImage(img, shape, [2, 2, 2], 'area');
    // z=0, block (0,0): voxels 0,1,4,5 → 2.5; block (1,1) of z=1: 26,27,30,31 → 28.5
    expect(out[0]).toBeCloseTo(2.5, 6);
    expect(out[7]).toBeCloseTo(28.5, 6);
    const c = resampleImage(new Float32Array(32).fill(0.3), shape, [3, 3, 5], 'linear');
    for (const v of c) expect(v).toBeCloseTo(0.3, 6);
  });
  it('labels by nearest: [1,2,3,4,5] → 2 voxels takes inputs floor(0.5·2.5)=1 and floor(1.5·2.5)=3', () => {
    expect(Array.from(resampleLabels(Uint32Array.from([1, 2, 3, 4, 5]), [1, 1, 5], [1, 1, 2]))).toEqual([
      2, 4,
    ]);
    expect(Array.from(resampleLabels(Uint32Array.from([7, 9]), [2, 1, 1], [4, 1, 1]))).toEqual([7, 7, 9, 9]);
  });
  it('rescaleToAnisotropy resamples image and labels to the same shape', () => {
    const v: LabelledVolume = {
      image: new Float32Array(200).fill(0.5),
      labels: new Uint32Array(200).fill(3),
      shape: [2, 10, 10],
    };
    const r = rescaleToAnisotropy(v, [30, 6, 6], 2);
    expect(r.volume.shape).toEqual([2, 4, 4]);
    expect(r.volume.labels.length).toBe(32);
    expect(r.volume.image.length).toBe(32);
    expect(Array.from(new Set(r.volume.labels))).toEqual([3]);
  });
});

describe('split', () => {
  it('x:0.8 of 10 columns: train x ∈ [0,8), validation x ∈ [8,10)', () => {
    expect(parseSplit('x:0.8')).toEqual({ axis: 'x', fraction: 0.8 });
    expect(() => parseSplit('w:0.5')).toThrow(/bad split/);
    expect(() => parseSplit('x:1')).toThrow(/bad split/);
    const shape: Triple = [2, 3, 10];
    const labels = Uint32Array.from({ length: 60 }, (_, i) => i);
    const v: LabelledVolume = { image: Float32Array.from(labels), labels, shape };
    const { train, validation, cut } = splitVolume(v, parseSplit('x:0.8'));
    expect(cut).toBe(8);
    expect(train.shape).toEqual([2, 3, 8]);
    expect(validation.shape).toEqual([2, 3, 2]);
    // validation voxel (z=1, y=2, x=1) is source (1, 2, 9) = 1·30 + 2·10 + 9 = 59
    expect(validation.labels[(1 * 3 + 2) * 2 + 1]).toBe(59);
    expect(train.labels[8]).toBe(10);
    expect(() => splitVolume(v, parseSplit('z:0.2'))).toThrow(/leaves a part empty/);
  });
});

describe('augmentations', () => {
  const sq = Uint32Array.from([1, 2, 3, 4]); // 1×2×2: [[1,2],[3,4]]
  const none: EmAugmentation = {
    flip: [false, false, false],
    transposeXY: false,
    contrast: 1,
    brightness: 0,
    gamma: 1,
  };
  it('flips, transpose, and transpose + x-flip = a 90° rotation', () => {
    expect(Array.from(applyGeometric(sq, [1, 2, 2], { ...none, flip: [false, false, true] }))).toEqual([
      2, 1, 4, 3,
    ]);
    expect(Array.from(applyGeometric(sq, [1, 2, 2], { ...none, flip: [false, true, false] }))).toEqual([
      3, 4, 1, 2,
    ]);
    expect(Array.from(applyGeometric(sq, [1, 2, 2], { ...none, transposeXY: true }))).toEqual([1, 3, 2, 4]);
    expect(
      Array.from(applyGeometric(sq, [1, 2, 2], { ...none, transposeXY: true, flip: [false, false, true] })),
    ).toEqual([2, 4, 1, 3]);
    expect(
      Array.from(
        applyGeometric(Uint32Array.from([5, 6]), [2, 1, 1], { ...none, flip: [true, false, false] }),
      ),
    ).toEqual([6, 5]);
  });
  it('grayscale jitter: (0.5·1.1 + 0.05)² = 0.36, clipped to [0, 1]', () => {
    const out = applyIntensity(Float32Array.from([0.5, 1]), {
      ...none,
      contrast: 1.1,
      brightness: 0.05,
      gamma: 2,
    });
    close(out, [0.36, 1]);
  });
  it('draws are seeded and each flip is taken about half the time', () => {
    const a = createRng(4);
    const b = createRng(4);
    let flips = 0;
    for (let i = 0; i < 1000; i++) {
      const d = drawEmAugmentation(a, true);
      expect(drawEmAugmentation(b, true)).toEqual(d);
      if (d.flip[2]) flips++;
      expect(d.gamma).toBeGreaterThanOrEqual(0.5);
      expect(d.gamma).toBeLessThanOrEqual(2);
    }
    expect(flips).toBeGreaterThan(430);
    expect(flips).toBeLessThan(570);
  });
});

describe('augmented patches from a real volume', () => {
  // Image encodes the label (label / 10), so the patch's input tells which labels the targets must follow.
  const shape: Triple = [6, 12, 12];
  const labels = new Uint32Array(6 * 12 * 12);
  for (let z = 0; z < 6; z++)
    for (let y = 0; y < 12; y++)
      for (let x = 0; x < 12; x++)
        labels[(z * 12 + y) * 12 + x] =
          x === 5 || y === 7 ? 0 : 1 + (x > 5 ? 1 : 0) + (y > 7 ? 2 : 0) + (z > 2 ? 4 : 0);
  const volume: LabelledVolume = { image: Float32Array.from(labels, (l) => l / 10), labels, shape };

  it('nearest-neighbour targets follow the transformed labels (image and labels move together)', () => {
    const patch: Triple = [4, 6, 6];
    const batch = makeEmTrainingBatch(volume, { patch, batch: 6, seed: 11, augment: { intensity: false } });
    const per = 4 * 36;
    const C = 12;
    let checked = 0;
    for (let n = 0; n < 6; n++) {
      const lab = (z: number, y: number, x: number) =>
        Math.round(batch.input[n * per + (z * 6 + y) * 6 + x]! * 10);
      nearestNeighbourChannels.forEach((c, axis) => {
        for (let z = 0; z < 4; z++)
          for (let y = 0; y < 6; y++)
            for (let x = 0; x < 6; x++) {
              const q = [z, y, x];
              q[axis]! -= 1;
              if (q[axis]! < 0) continue; // partner outside the patch: comes from context, checked by the mask
              const i = n * C * per + c * per + (z * 6 + y) * 6 + x;
              const l = lab(z, y, x);
              const want = l !== 0 && l === lab(q[0]!, q[1]!, q[2]!) ? 1 : 0;
              expect(batch.mask[i]).toBe(1);
              expect(batch.target[i]).toBe(want);
              checked++;
            }
      });
    }
    expect(checked).toBe(6 * (3 * 36 + 4 * 5 * 6 * 2));
  });

  it('is a pure function of its seed', () => {
    const o = { patch: [2, 4, 4] as Triple, batch: 2, seed: 3 };
    const a = makeEmTrainingBatch(volume, o);
    expect(Array.from(makeEmTrainingBatch(volume, o).input)).toEqual(Array.from(a.input));
    expect(Array.from(makeEmTrainingBatch(volume, { ...o, seed: 4 }).input)).not.toEqual(Array.from(a.input));
  });

  it('without augmentation the patch is the volume crop at its origin', () => {
    const p = sampleEmPatch(volume, [2, 3, 3], createRng(1), { augment: false });
    const [oz, oy, ox] = p.origin;
    expect(p.input[4]).toBeCloseTo(volume.image[((oz + 0) * 12 + oy + 1) * 12 + ox + 1]!, 7);
  });
});

describe('reading the protocol volume from files', () => {
  const fix = (name: string) => fileURLToPath(new URL(`../../fixtures/${name}`, import.meta.url));
  it('slab-by-slab xy downsampling equals rescaling the whole volume (fixtures, 6×6×30 nm → anisotropy 2)', async () => {
    const img = fix('em-image.tif');
    const lab = `${fix('em.h5')}:/volumes/labels/neuron_ids32`;
    const r = await readProtocolVolume(img, lab, { voxelNm: [30, 6, 6], anisotropy: 2, slab: 3 });
    // 48 · 6/15 = 19.2 → 19 pixels a side; sections kept
    expect(r.volume.shape).toEqual([20, 19, 19]);
    expect(r.fileShape).toEqual([20, 48, 48]);
    expect(r.voxelNm).toEqual([30, 15, 15]);
    const whole = rescaleToAnisotropy(await readLabelledVolume(img, lab), [30, 6, 6], 2);
    expect(Array.from(r.volume.labels)).toEqual(Array.from(whole.volume.labels));
    expect(Array.from(r.volume.image)).toEqual(Array.from(whole.volume.image));
    await expect(readProtocolVolume(img, lab, { anisotropy: 2 })).rejects.toThrow(
      /needs the files' voxel size/,
    );
  });
});
