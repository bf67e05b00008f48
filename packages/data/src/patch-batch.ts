import type { SeededRng, Triple } from '@unet3d/core';
import type { AffinityOffset } from './affinity.js';
import { type LabelledVolume, samplePatch } from './patch.js';

export interface PatchBatch {
  /** N×1×D×H×W image patches. */
  input: Float32Array;
  /** N×C×D×H×W affinity targets and mask (C = offsets.length). */
  target: Float32Array;
  mask: Float32Array;
}

export interface PatchBatchOptions {
  /** Patch (D, H, W) in voxels. */
  patch: Triple;
  /** Batch size N ≥ 1. */
  batch: number;
  offsets: readonly AffinityOffset[];
  /** Voxels kept free before the patch on each axis, so every affinity partner exists. */
  context: Triple;
  /** The one stream every draw comes from, in order: item n's volume (volumeFor), then its patch position. */
  rng: SeededRng;
  /** The volume item `n` is cut from (may draw from `rng`, e.g. to pick one or to seed a new one). */
  volumeFor(n: number, rng: SeededRng): LabelledVolume;
}

/** A batch of N patches, each cut at a random position from the volume `volumeFor` gives for that item. */
export function cropPatchBatch(options: PatchBatchOptions): PatchBatch {
  const { patch, batch, offsets, context, rng } = options;
  const per = patch[0] * patch[1] * patch[2];
  const c = offsets.length;
  const out: PatchBatch = {
    input: new Float32Array(batch * per),
    target: new Float32Array(batch * c * per),
    mask: new Float32Array(batch * c * per),
  };
  for (let n = 0; n < batch; n++) {
    const volume = options.volumeFor(n, rng);
    const p = samplePatch(volume, patch, rng, { offsets, context });
    out.input.set(p.input, n * per);
    out.target.set(p.target, n * c * per);
    out.mask.set(p.mask, n * c * per);
  }
  return out;
}
