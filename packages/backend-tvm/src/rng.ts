import { type SeededRng, seededRng } from '@unet3d/core';

/** The tuner's random stream: core's seeded generator, offset so seed 0 is not the all-zero state. */
export type Rng = SeededRng;

export function createRng(seed: number): Rng {
  return seededRng((Math.trunc(seed) ^ 0x9e3779b9) >>> 0);
}
