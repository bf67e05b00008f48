import { ShapeError, type Triple } from '@unet3d/core';
import { AFFINITY_OFFSETS, type AffinityOffset, affinities } from '@unet3d/data';
import { type AdaptedRand, adaptedRandError } from './adapted-rand.js';
import {
  type AffinityAccuracy,
  type AffinityAccuracyOptions,
  affinityAccuracy,
} from './affinity-accuracy.js';
import { connectedComponents } from './connected-components.js';

export interface EvaluateAffinitiesOptions {
  offsets?: readonly AffinityOffset[];
  /** Accuracy definition; default PAPER_ACCURACY_DEFINITION (nearest-neighbour maps at 0.5). */
  accuracy?: AffinityAccuracyOptions;
  /** Threshold of the connected-components segmentation; default 0.5. */
  segmentationThreshold?: number;
}

export interface AffinityEvaluation {
  /** Voxel accuracy under the paper's definition (or options.accuracy). */
  accuracy: AffinityAccuracy;
  /** The same threshold over every output map. */
  accuracyAllMaps: AffinityAccuracy;
  /** Adapted Rand error of the connected-components segmentation against the labels (label 0 excluded). */
  adaptedRand: AdaptedRand;
  /** Number of segments in the predicted segmentation. */
  segments: number;
  /** D×H×W predicted segmentation. */
  segmentation: Uint32Array;
}

/**
 * Score predicted affinities of a whole (validation) volume against its label volume: targets and mask are
 * computed from the labels with `@unet3d/data`'s affinities() (same offsets, border and label-0 conventions
 * as training), then voxel accuracy, and the adapted Rand error of the connected components of the
 * thresholded nearest-neighbour affinities.
 *
 * `prediction`: C×D×H×W probabilities (after the sigmoid), C = offsets.length; `labels`: D×H×W; `shape`: (D, H, W).
 */
export function evaluateAffinities(
  prediction: Float32Array,
  labels: Uint32Array,
  shape: Triple,
  options: EvaluateAffinitiesOptions = {},
): AffinityEvaluation {
  const offsets = options.offsets ?? AFFINITY_OFFSETS;
  const C = offsets.length;
  const [D, H, W] = shape;
  if (prediction.length !== C * D * H * W) {
    throw new ShapeError(
      `prediction has ${prediction.length} values, ${C} maps of [${shape.join(',')}] need ${C * D * H * W}`,
    );
  }
  const { target, mask } = affinities(labels, shape, offsets);
  const shape5: [number, number, number, number, number] = [1, C, D, H, W];
  const accuracy = affinityAccuracy(prediction, target, mask, shape5, options.accuracy);
  const accuracyAllMaps = affinityAccuracy(prediction, target, mask, shape5, {
    channels: offsets.map((_, c) => c),
    ...(options.accuracy?.threshold === undefined ? {} : { threshold: options.accuracy.threshold }),
  });
  const segmentation = connectedComponents(prediction, shape, {
    threshold: options.segmentationThreshold ?? 0.5,
  });
  let segments = 0;
  for (const id of segmentation) if (id > segments) segments = id;
  return {
    accuracy,
    accuracyAllMaps,
    adaptedRand: adaptedRandError(segmentation, labels),
    segments,
    segmentation,
  };
}
