import { performance } from 'node:perf_hooks';
import type { LabelledVolume } from '@unet3d/data';
import { type AffinityEvaluation, evaluateAffinities } from '@unet3d/metrics';
import type { Trainer } from './executor/index.js';
import { predictVolume, type SlidingWindowOptions } from './sliding-window.js';

/** Metrics of one validation pass (the segmentation itself is left out). */
export interface VolumeValidation {
  /** Voxel accuracy of the nearest-neighbour maps at 0.5 (PAPER_ACCURACY_DEFINITION), in [0, 1]. */
  accuracy: number;
  /** Same threshold over all 12 maps. */
  accuracyAllMaps: number;
  adaptedRandError: number;
  randPrecision: number;
  randRecall: number;
  /** Segments of the connected-components segmentation of the thresholded nearest-neighbour affinities. */
  segments: number;
  ms: number;
}

export function summariseEvaluation(e: AffinityEvaluation, ms: number): VolumeValidation {
  return {
    accuracy: e.accuracy.accuracy,
    accuracyAllMaps: e.accuracyAllMaps.accuracy,
    adaptedRandError: e.adaptedRand.error,
    randPrecision: e.adaptedRand.precision,
    randRecall: e.adaptedRand.recall,
    segments: e.segments,
    ms,
  };
}

/**
 * Evaluate a trainer on a whole labelled volume: sliding-window sigmoid affinities (predictVolume, blended),
 * then @unet3d/metrics' evaluateAffinities (targets from the labels with the training conventions; accuracy
 * of the nearest-neighbour maps at 0.5; adapted Rand error of connected components at 0.5).
 */
export async function validateVolume(
  trainer: Trainer,
  volume: LabelledVolume,
  options: SlidingWindowOptions = {},
): Promise<VolumeValidation> {
  const t0 = performance.now();
  const prediction = await predictVolume(trainer, volume.image, volume.shape, options);
  const e = evaluateAffinities(prediction, volume.labels, volume.shape);
  return summariseEvaluation(e, performance.now() - t0);
}
