import { mixSeed, type SeededRng, seededRng } from '@unet3d/core';

/** Initialisation draws from core's seeded generator, one named stream per parameter. */
export type Rng = SeededRng;

/** FNV-1a hash of a stream name (parameter names key their own streams). */
export function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** A stream for (seed, name): the same pair always gives the same values, different names unrelated ones. */
export function createRng(seed: number, stream = ''): Rng {
  return seededRng(mixSeed(seed >>> 0, hashString(stream)));
}
