import { ConfigError, createRng, mixSeed, type Triple } from '@unet3d/core';
import {
  AFFINITY_OFFSETS,
  cropPatchBatch,
  generateSyntheticVolume,
  offsetReach,
  type SyntheticVolume,
} from '@unet3d/data';

export interface DataBatch {
  input: Float32Array;
  target: Float32Array;
  mask: Float32Array;
}

export interface SyntheticDataOptions {
  patch: Triple;
  batch: number;
  seed: number;
  /**
   * Training volumes generated up front; each iteration crops fresh random patches from them. Default: as
   * many as fit 3·10⁶ voxels, between 2 and 16 (16 for tiny test patches, 2 at 64×128×128).
   */
  volumes?: number;
}

/**
 * Seeded synthetic EM training data: a pool of training volumes (patch + affinity reach + half a patch of
 * slack per axis) generated once, from which every iteration crops fresh random patches; the crop of
 * iteration i depends only on (seed, i), so a resumed run sees the same data as an uninterrupted one. A
 * held-out volume with another seed gives the accuracy batch.
 */
export class SyntheticData {
  private readonly train: SyntheticVolume[] = [];
  private readonly heldOutVolume: SyntheticVolume;
  private readonly reach: Triple;

  constructor(private readonly options: SyntheticDataOptions) {
    if (!Number.isInteger(options.seed))
      throw new ConfigError(`--seed must be an integer, got ${options.seed}`);
    this.reach = offsetReach(AFFINITY_OFFSETS);
    const p = options.patch;
    const size = (a: 0 | 1 | 2): number => p[a] + this.reach[a] + Math.ceil(p[a] / 2);
    const shape: Triple = [size(0), size(1), size(2)];
    const count =
      options.volumes ?? Math.max(2, Math.min(16, Math.floor(3e6 / (shape[0] * shape[1] * shape[2]))));
    for (let v = 0; v < count; v++) {
      this.train.push(generateSyntheticVolume({ shape, seed: mixSeed(options.seed, 100 + v) }));
    }
    this.heldOutVolume = generateSyntheticVolume({ shape, seed: mixSeed(options.seed ^ 0x5eed, 999) });
  }

  private crop(volumes: readonly SyntheticVolume[], seed: number): DataBatch {
    return cropPatchBatch({
      patch: this.options.patch,
      batch: this.options.batch,
      offsets: AFFINITY_OFFSETS,
      context: this.reach,
      rng: createRng(seed),
      volumeFor: (_n, rng) => volumes[rng.int(volumes.length)]!,
    });
  }

  /** The training batch of iteration `i` (1-based). */
  trainBatch(iteration: number): DataBatch {
    return this.crop(this.train, mixSeed(this.options.seed, iteration));
  }

  /** A fixed held-out batch (crop `k`) from the held-out volume. */
  heldOut(k = 0): DataBatch {
    return this.crop([this.heldOutVolume], mixSeed(this.options.seed ^ 0x5eed, k));
  }
}
