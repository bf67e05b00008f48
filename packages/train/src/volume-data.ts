import { mixSeed, type Triple } from '@unet3d/core';
import { type AugmentOptions, type LabelledVolume, makeEmTrainingBatch } from '@unet3d/data';
import type { DataBatch } from './data.js';

/** Where the loop's training batches come from (SyntheticData, VolumeData). */
export interface TrainingData {
  /** The training batch of iteration `i` (1-based); a pure function of (seed, i). */
  trainBatch(iteration: number): DataBatch;
}

export interface VolumeDataOptions {
  /** The training part of a volume read from files (see readProtocolVolume, splitVolume). */
  train: LabelledVolume;
  patch: Triple;
  batch: number;
  seed: number;
  /** EM augmentations (default: all of @unet3d/data's; `false` for none). */
  augment?: AugmentOptions | false;
}

/**
 * Training batches cut from a volume read from files: every iteration `batch` patches at seeded random
 * positions, augmented, with affinity targets computed inside the patch's box (`makeEmTrainingBatch`). The
 * batch of iteration i depends only on (seed, i), so a resumed run sees the same data as an uninterrupted
 * one, and the same voxels read from TIFF or HDF5 give the same batches.
 */
export class VolumeData implements TrainingData {
  constructor(private readonly options: VolumeDataOptions) {}

  trainBatch(iteration: number): DataBatch {
    const { train, patch, batch, seed, augment } = this.options;
    const b = makeEmTrainingBatch(train, {
      patch,
      batch,
      seed: mixSeed(seed, iteration),
      ...(augment === undefined ? {} : { augment }),
    });
    return { input: b.input, target: b.target, mask: b.mask };
  }
}
