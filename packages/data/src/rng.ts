import { ConfigError, mixSeed, type SeededRng, seededRng } from '@unet3d/core';

/**
 * All randomness in this package goes through one of these (core's seeded generator), so every volume, label
 * map and patch position is a pure function of its seed.
 */
export type Rng = SeededRng;
export { mixSeed };

/** A stream for an integer seed (mixed first, so nearby seeds give unrelated streams). */
export function createRng(seed: number): Rng {
  if (!Number.isInteger(seed)) throw new ConfigError(`seed must be an integer, got ${seed}`);
  return seededRng(mixSeed(seed >>> 0));
}
