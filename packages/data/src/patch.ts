import type { SeededRng as Rng } from '@unet3d/core';
import { type Shape5D, ShapeError, type Triple } from '@unet3d/core';
import { AFFINITY_OFFSETS, type AffinityOffset, affinitiesInRegion } from './affinity.js';

/** The part of a synthetic volume a patch is cut from. */
export interface LabelledVolume {
  image: Float32Array;
  labels: Uint32Array;
  shape: Triple;
}

export interface TrainingPatch {
  /** Image crop, NCDHW with N = C = 1. */
  input: Float32Array;
  inputShape: Shape5D;
  /** Affinity targets and validity mask, NCDHW with N = 1, C = offsets.length. */
  target: Float32Array;
  mask: Float32Array;
  targetShape: Shape5D;
  /** Corner (z, y, x) of the crop in the volume. */
  origin: Triple;
}

export interface SamplePatchOptions {
  offsets?: readonly AffinityOffset[];
  /**
   * Voxels of volume required before the patch on each axis (z, y, x): the origin is drawn in
   * [context, volume − patch]. Set it to `offsetReach(offsets)` for targets that are valid everywhere.
   * Default [0, 0, 0] (any position; the mask marks the invalid border).
   */
  context?: Triple;
}

/**
 * Crop a training patch at a uniformly random position (drawn from `rng`) and compute its affinity targets,
 * looking partners up in the whole volume so long-range targets near the patch border stay valid.
 */
export function samplePatch(
  volume: LabelledVolume,
  patchShape: Triple,
  rng: Rng,
  options: SamplePatchOptions = {},
): TrainingPatch {
  const offsets = options.offsets ?? AFFINITY_OFFSETS;
  const context = options.context ?? [0, 0, 0];
  const { shape } = volume;
  const origin = [0, 0, 0];
  for (let a = 0; a < 3; a++) {
    const p = patchShape[a]!;
    const lo = context[a]!;
    const hi = shape[a]! - p;
    if (!Number.isInteger(p) || p <= 0) {
      throw new ShapeError(`patch shape must be positive integers, got [${patchShape.join(',')}]`);
    }
    if (hi < lo) {
      throw new ShapeError(
        `patch [${patchShape.join(',')}] with context [${context.join(',')}] does not fit the volume [${shape.join(',')}]`,
        'generate a larger volume or a smaller patch',
      );
    }
    origin[a] = lo + rng.int(hi - lo + 1);
  }
  const o: Triple = [origin[0]!, origin[1]!, origin[2]!];
  const [pd, ph, pw] = patchShape;
  const [, H, W] = shape;
  const input = new Float32Array(pd * ph * pw);
  for (let z = 0; z < pd; z++) {
    for (let y = 0; y < ph; y++) {
      const src = ((o[0] + z) * H + o[1] + y) * W + o[2];
      input.set(volume.image.subarray(src, src + pw), (z * ph + y) * pw);
    }
  }
  const { target, mask } = affinitiesInRegion(volume.labels, shape, offsets, o, patchShape);
  return {
    input,
    inputShape: [1, 1, pd, ph, pw],
    target,
    mask,
    targetShape: [1, offsets.length, pd, ph, pw],
    origin: o,
  };
}
