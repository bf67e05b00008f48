import { type Shape5D, ShapeError } from '@unet3d/core';
import { nearestNeighbourChannels } from '@unet3d/data';

/**
 * Which voxels and maps the paper's "Accuracy" (Table 1: 92.63 / 92.57 / 93.08 / 93.08 %) is taken to be.
 *
 * The paper never defines it. Our reading: the voxel-wise binary accuracy of the 3 nearest-neighbour affinity
 * maps (z, y, x), each prediction thresholded at 0.5, over the validation voxels whose affinity is defined
 * (mask = 1: the partner voxel lies inside the volume), i.e. the fraction of edges classified correctly.
 * Why: (1) the network's output is affinity maps trained voxel-wise with binary cross-entropy (Lee et al.
 * 2017, whose model the paper optimises), and "accuracy" in % of a voxel-wise binary classifier is its
 * fraction of correct decisions at probability 0.5 — the figure such training code logs on a validation set;
 * (2) segmentation metrics of SNEMI3D (adapted Rand error, VOI) are errors in [0, 1], never called accuracy;
 * (3) the nearest-neighbour maps are the primary task (the ones that make the segmentation); the long-range
 * maps are Lee et al.'s auxiliary task, and including them would mostly add easy "different object" edges;
 * (4) the values, ~93 % with differences of 0.5 % between architectures, fit an edge classification where
 * most edges are easy (inside a cell) and the errors sit at membranes. The per-channel counts are returned
 * too, so the all-12-maps figure can be reported beside it.
 */
export const PAPER_ACCURACY_DEFINITION = {
  channels: nearestNeighbourChannels,
  threshold: 0.5,
} as const;

export interface AffinityAccuracyOptions {
  /** Channels scored; default the nearest-neighbour maps [0, 1, 2]. */
  channels?: readonly number[];
  /** A prediction > threshold means "connected"; default 0.5 (predictions are probabilities, after sigmoid). */
  threshold?: number;
}

export interface AffinityAccuracy {
  /** correct / counted, in [0, 1]; NaN when no voxel is counted. */
  accuracy: number;
  correct: number;
  /** Voxels scored: mask = 1 in the scored channels. */
  counted: number;
  /** Per scored channel (same order as `channels`): correct and counted. */
  perChannel: { channel: number; correct: number; counted: number }[];
}

/**
 * Voxel accuracy of predicted affinities against targets, all NCDHW of `shape` = [N, C, D, H, W]. A voxel
 * counts where mask = 1; it is correct when (prediction > threshold) equals (target ≥ 0.5). Throws
 * ShapeError when an array's length is not N·C·D·H·W or a channel is out of range.
 */
export function affinityAccuracy(
  prediction: Float32Array,
  target: Float32Array,
  mask: Float32Array,
  shape: Shape5D,
  options: AffinityAccuracyOptions = {},
): AffinityAccuracy {
  const channels = options.channels ?? PAPER_ACCURACY_DEFINITION.channels;
  const threshold = options.threshold ?? PAPER_ACCURACY_DEFINITION.threshold;
  const [N, C, D, H, W] = shape;
  const spatial = D * H * W;
  for (const [name, a] of [
    ['prediction', prediction],
    ['target', target],
    ['mask', mask],
  ] as const) {
    if (a.length !== N * C * spatial) {
      throw new ShapeError(
        `${name} has ${a.length} values, shape [${shape.join(',')}] needs ${N * C * spatial}`,
      );
    }
  }
  for (const c of channels) {
    if (!Number.isInteger(c) || c < 0 || c >= C) throw new ShapeError(`channel ${c} is not in [0, ${C})`);
  }
  let correct = 0;
  let counted = 0;
  const perChannel = channels.map((channel) => {
    let ok = 0;
    let n = 0;
    for (let item = 0; item < N; item++) {
      const base = (item * C + channel) * spatial;
      for (let i = base; i < base + spatial; i++) {
        if (mask[i]! < 0.5) continue;
        n++;
        if (prediction[i]! > threshold === target[i]! >= 0.5) ok++;
      }
    }
    correct += ok;
    counted += n;
    return { channel, correct: ok, counted: n };
  });
  return { accuracy: counted === 0 ? Number.NaN : correct / counted, correct, counted, perChannel };
}
