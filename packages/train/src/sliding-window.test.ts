import type { Triple } from '@unet3d/core';
import { createReferenceBackend } from '@unet3d/core/testing';
import { CpuDevice } from '@unet3d/cpu';
import { buildResidualSymmetricUnet } from '@unet3d/model';
import { afterAll, describe, expect, it } from 'vitest';
import { createTrainer, type Trainer } from './executor/index.js';
import { predictVolume, windowStarts } from './sliding-window.js';

const sigmoid = (v: number): number => 1 / (1 + Math.exp(-v));
const C = 12;

/** A 2-level U-Net on a 4×4×4 patch: fast enough to call predict many times. */
async function tinyTrainer(): Promise<Trainer> {
  const device = new CpuDevice();
  const network = buildResidualSymmetricUnet({
    name: 'tiny',
    strided: false,
    channels: [2, 2],
    input: [4, 4, 4],
    batch: 1,
  });
  return createTrainer({ network, device, backend: createReferenceBackend(device), seed: 3 });
}

function ramp(shape: Triple): Float32Array {
  const n = shape[0] * shape[1] * shape[2];
  return Float32Array.from({ length: n }, (_, i) => Math.sin(i * 0.37) * 0.5 + 0.5);
}

/** Copy the window at x ∈ [x0, x0 + 4) of a 4×4×W volume. */
function windowX(image: Float32Array, W: number, x0: number): Float32Array {
  const out = new Float32Array(64);
  for (let zy = 0; zy < 16; zy++) for (let x = 0; x < 4; x++) out[zy * 4 + x] = image[zy * W + x0 + x]!;
  return out;
}

describe('sliding-window inference', () => {
  let trainer: Trainer;
  afterAll(() => trainer?.dispose());

  it('places windows every step with the last one flush with the end', () => {
    expect(windowStarts(10, 4, 2)).toEqual([0, 2, 4, 6]);
    expect(windowStarts(9, 4, 2)).toEqual([0, 2, 4, 5]);
    expect(windowStarts(4, 4, 2)).toEqual([0]);
    expect(windowStarts(3, 4, 2)).toEqual([0]);
  });

  it('one window: the sigmoid of the network output itself', async () => {
    trainer = await tinyTrainer();
    const image = ramp([4, 4, 4]);
    const logits = await trainer.predict(image);
    const out = await predictVolume(trainer, image, [4, 4, 4]);
    expect(out).toHaveLength(C * 64);
    for (let i = 0; i < out.length; i++) expect(out[i]!).toBeCloseTo(sigmoid(logits[i]!), 6);
  });

  it('overlapping windows are blended with the tent weight min(i + 1, p − i)', async () => {
    // W = 6, patch 4, overlap 0.5 → windows at x = 0 and x = 2. Voxel x = 2 is offset 2 of window 0
    // (weight min(3, 2) = 2) and offset 0 of window 1 (weight 1); x = 3: weights 1 and 2.
    const W = 6;
    const image = ramp([4, 4, W]);
    const a = await trainer.predict(windowX(image, W, 0));
    const b = await trainer.predict(windowX(image, W, 2));
    const out = await predictVolume(trainer, image, [4, 4, W], { overlap: 0.5 });
    const at = (c: number, zy: number, x: number) => out[c * 16 * W + zy * W + x]!;
    const win = (l: ArrayLike<number>, c: number, zy: number, x: number) => sigmoid(l[c * 64 + zy * 4 + x]!);
    for (const c of [0, 5, 11]) {
      for (const zy of [0, 7, 15]) {
        expect(at(c, zy, 0)).toBeCloseTo(win(a, c, zy, 0), 6);
        expect(at(c, zy, 2)).toBeCloseTo((2 * win(a, c, zy, 2) + 1 * win(b, c, zy, 0)) / 3, 6);
        expect(at(c, zy, 3)).toBeCloseTo((1 * win(a, c, zy, 3) + 2 * win(b, c, zy, 1)) / 3, 6);
        expect(at(c, zy, 5)).toBeCloseTo(win(b, c, zy, 3), 6);
      }
    }
  });

  it('mirror-pads an axis shorter than the patch and crops back', async () => {
    // W = 3 → padded to 4 by reflection: x = 3 reads x = 1.
    const image = ramp([4, 4, 3]);
    const padded = new Float32Array(64);
    for (let zy = 0; zy < 16; zy++) {
      for (let x = 0; x < 4; x++) padded[zy * 4 + x] = image[zy * 3 + [0, 1, 2, 1][x]!]!;
    }
    const logits = await trainer.predict(padded);
    const out = await predictVolume(trainer, image, [4, 4, 3]);
    expect(out).toHaveLength(C * 48);
    for (const c of [0, 11]) {
      for (let zy = 0; zy < 16; zy++) {
        for (let x = 0; x < 3; x++) {
          expect(out[c * 48 + zy * 3 + x]!).toBeCloseTo(sigmoid(logits[c * 64 + zy * 4 + x]!), 6);
        }
      }
    }
  });

  it('rejects an image of the wrong length and an overlap of 1', async () => {
    await expect(predictVolume(trainer, new Float32Array(10), [4, 4, 4])).rejects.toThrow(/10 values/);
    await expect(predictVolume(trainer, ramp([4, 4, 4]), [4, 4, 4], { overlap: 1 })).rejects.toThrow(
      /overlap must be in \[0, 1\)/,
    );
  });
});
