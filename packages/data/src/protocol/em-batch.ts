import { ConfigError, createRng, type SeededRng as Rng, ShapeError, type Triple } from '@unet3d/core';
import { AFFINITY_OFFSETS, type AffinityOffset, affinitiesInRegion, offsetReach } from '../affinity.js';
import type { LabelledVolume, TrainingPatch } from '../patch.js';
import type { TrainingBatch } from '../training-batch.js';
import { type AugmentOptions, applyGeometric, applyIntensity, drawEmAugmentation } from './augment.js';
import { cropVolume } from './split.js';

export interface EmPatchOptions {
  offsets?: readonly AffinityOffset[];
  /**
   * Voxels of real volume kept around the patch on every side (z, y, x) so long-range targets stay valid at
   * the patch border; default `offsetReach(offsets)`, clipped per axis to what the volume allows. Partners
   * beyond the context are masked out.
   */
  context?: Triple;
  /** Augmentations; `false` for none (validation). Default: all (see EmAugmentation). */
  augment?: AugmentOptions | false;
}

/**
 * Cut a training patch from a real (read from file) volume at a uniformly random position, augment it and
 * compute its affinity targets with `affinitiesInRegion` (label-0 and border conventions of `@unet3d/data`:
 * label 0 joins nothing; partners outside the cut box are masked). The box is patch + 2·context, augmented
 * as a whole (every flip/transpose maps the centred patch onto itself), then targets are computed for the
 * patch inside it, so a flipped patch still gets valid long-range targets from real context.
 */
export function sampleEmPatch(
  volume: LabelledVolume,
  patch: Triple,
  rng: Rng,
  options: EmPatchOptions = {},
): TrainingPatch {
  const offsets = options.offsets ?? AFFINITY_OFFSETS;
  const want = options.context ?? offsetReach(offsets);
  const { shape } = volume;
  const context = [0, 1, 2].map((a) =>
    Math.max(0, Math.min(want[a]!, Math.floor((shape[a]! - patch[a]!) / 2))),
  ) as unknown as Triple;
  const box = [0, 1, 2].map((a) => patch[a]! + 2 * context[a]!) as unknown as Triple;
  for (let a = 0; a < 3; a++) {
    if (!Number.isInteger(patch[a]) || patch[a]! < 1 || patch[a]! > shape[a]!) {
      throw new ShapeError(
        `patch [${patch.join(',')}] does not fit the volume [${shape.join(',')}]`,
        'use a smaller patch',
      );
    }
  }
  const origin = [0, 1, 2].map((a) => rng.int(shape[a]! - box[a]! + 1)) as unknown as Triple;
  const crop = cropVolume(volume, origin, box);
  const aug =
    options.augment === false ? undefined : drawEmAugmentation(rng, box[1] === box[2], options.augment);
  let { image, labels } = crop;
  if (aug) {
    labels = applyGeometric(labels, box, aug);
    image = applyIntensity(applyGeometric(image, box, aug), aug);
  }
  const [pd, ph, pw] = patch;
  const input = new Float32Array(pd * ph * pw);
  for (let z = 0; z < pd; z++) {
    for (let y = 0; y < ph; y++) {
      const src = ((context[0] + z) * box[1] + context[1] + y) * box[2] + context[2];
      input.set(image.subarray(src, src + pw), (z * ph + y) * pw);
    }
  }
  const { target, mask } = affinitiesInRegion(labels, box, offsets, context, patch);
  return {
    input,
    inputShape: [1, 1, pd, ph, pw],
    target,
    mask,
    targetShape: [1, offsets.length, pd, ph, pw],
    origin: [origin[0] + context[0], origin[1] + context[1], origin[2] + context[2]],
  };
}

export interface EmBatchOptions extends EmPatchOptions {
  patch: Triple;
  batch: number;
  /** Seed of this batch (e.g. mixSeed(runSeed, iteration)); positions and augmentations derive from it. */
  seed: number;
}

/** A training batch of `batch` augmented patches from a real volume, a pure function of its options. */
export function makeEmTrainingBatch(volume: LabelledVolume, options: EmBatchOptions): TrainingBatch {
  const { patch, batch, seed, offsets = AFFINITY_OFFSETS } = options;
  if (!Number.isInteger(batch) || batch < 1)
    throw new ConfigError(`batch must be an integer ≥ 1, got ${batch}`);
  const rng = createRng(seed);
  const [pd, ph, pw] = patch;
  const per = pd * ph * pw;
  const C = offsets.length;
  const input = new Float32Array(batch * per);
  const target = new Float32Array(batch * C * per);
  const mask = new Float32Array(batch * C * per);
  for (let n = 0; n < batch; n++) {
    const p = sampleEmPatch(volume, patch, rng, { ...options, offsets });
    input.set(p.input, n * per);
    target.set(p.target, n * C * per);
    mask.set(p.mask, n * C * per);
  }
  return {
    input,
    inputShape: [batch, 1, pd, ph, pw],
    target,
    mask,
    targetShape: [batch, C, pd, ph, pw],
    offsets,
    volumeSeeds: [],
  };
}
