import { ConfigError, createRng, type Shape5D, type Triple } from '@unet3d/core';
import { AFFINITY_OFFSETS, type AffinityOffset, offsetReach } from './affinity.js';
import { cropPatchBatch } from './patch-batch.js';
import { generateSyntheticVolume, type SyntheticVolumeOptions } from './synthetic-volume.js';

export interface TrainingBatchOptions extends Omit<SyntheticVolumeOptions, 'shape'> {
  /** Patch (D, H, W) in voxels: the network input and output size. */
  patch: Triple;
  /** Batch size N ≥ 1. */
  batch: number;
  offsets?: readonly AffinityOffset[];
  /**
   * Extra voxels generated before the patch on each axis (z, y, x). Default `offsetReach(offsets)`, so every
   * affinity partner exists and the mask is all ones; a larger margin adds a random shift.
   */
  margin?: Triple;
}

export interface TrainingBatch {
  /** N×1×D×H×W image patches. */
  input: Float32Array;
  inputShape: Shape5D;
  /** N×C×D×H×W affinity targets and mask (C = offsets.length). */
  target: Float32Array;
  mask: Float32Array;
  targetShape: Shape5D;
  offsets: readonly AffinityOffset[];
  /** The seed of each item's volume, for provenance. */
  volumeSeeds: number[];
}

/**
 * A fresh batch: for each item, a new synthetic volume of patch + margin voxels (seeded from `seed`), from
 * which one patch is cut with full context for its long-range affinities. Pure in its options.
 */
export function makeTrainingBatch(options: TrainingBatchOptions): TrainingBatch {
  const { patch, batch, seed, offsets = AFFINITY_OFFSETS, margin: marginOpt, ...volumeOptions } = options;
  if (!Number.isInteger(batch) || batch < 1)
    throw new ConfigError(`batch must be an integer ≥ 1, got ${batch}`);
  const reach = offsetReach(offsets);
  const margin = marginOpt ?? reach;
  for (let a = 0; a < 3; a++) {
    if (!Number.isInteger(margin[a]) || margin[a]! < reach[a]!) {
      throw new ConfigError(
        `margin [${margin.join(',')}] must be integers ≥ the affinity reach [${reach.join(',')}]`,
      );
    }
  }
  const shape: Triple = [patch[0] + margin[0], patch[1] + margin[1], patch[2] + margin[2]];
  const [pd, ph, pw] = patch;
  const C = offsets.length;
  const volumeSeeds: number[] = [];
  const { input, target, mask } = cropPatchBatch({
    patch,
    batch,
    offsets,
    context: reach,
    rng: createRng(seed),
    volumeFor: (_n, rng) => {
      const volumeSeed = rng.nextUint32();
      volumeSeeds.push(volumeSeed);
      return generateSyntheticVolume({ ...volumeOptions, shape, seed: volumeSeed });
    },
  });
  return {
    input,
    inputShape: [batch, 1, pd, ph, pw],
    target,
    mask,
    targetShape: [batch, C, pd, ph, pw],
    offsets,
    volumeSeeds,
  };
}
