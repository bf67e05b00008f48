import { ConfigError } from './errors.js';

/**
 * The project's one seeded random-number generator: mulberry32 (32-bit state, period 2^32). Hand-rolled on
 * purpose: Math.random cannot be seeded, and the needs here (reproducible data, initialisation, search and
 * bootstrap streams of at most millions of draws) are far inside mulberry32's period and quality; a library
 * would add a dependency for ten lines. Not for cryptography.
 */
export interface SeededRng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform 32-bit unsigned integer. */
  nextUint32(): number;
  /** Uniform in [lo, hi). */
  uniform(lo: number, hi: number): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
  /** Standard normal (Marsaglia's polar method; the second value of each pair is kept for the next call). */
  normal(): number;
  /** A uniformly chosen element of a non-empty list. */
  pick<T>(items: readonly T[]): T;
  /** Fisher–Yates shuffle in place; returns `items`. */
  shuffle<T>(items: T[]): T[];
}

/** A generator whose state starts at `seed` (use mixSeed to derive independent streams). */
export function seededRng(seed: number): SeededRng {
  let state = seed >>> 0;
  const nextUint32 = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
  const next = (): number => nextUint32() / 4294967296;
  const int = (n: number): number => Math.floor(next() * n);
  let spare: number | null = null;
  return {
    next,
    nextUint32,
    uniform: (lo, hi) => lo + (hi - lo) * next(),
    int,
    normal: () => {
      if (spare !== null) {
        const v = spare;
        spare = null;
        return v;
      }
      let u: number;
      let v: number;
      let q: number;
      do {
        u = 2 * next() - 1;
        v = 2 * next() - 1;
        q = u * u + v * v;
      } while (q >= 1 || q === 0);
      const f = Math.sqrt((-2 * Math.log(q)) / q);
      spare = v * f;
      return u * f;
    },
    pick: (items) => {
      if (items.length === 0) throw new RangeError('pick from an empty list');
      return items[int(items.length)]!;
    },
    shuffle: (items) => {
      for (let i = items.length - 1; i > 0; i--) {
        const j = int(i + 1);
        [items[i], items[j]] = [items[j]!, items[i]!];
      }
      return items;
    },
  };
}

/**
 * FNV-1a, 32-bit (Fowler–Noll–Vo; offset basis 0x811c9dc5, prime 0x01000193) of a string's UTF-16 code
 * units: turns a stream name (e.g. a parameter name) into a stream number.
 */
export function fnv1a32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/**
 * The generator of stream `stream` of an integer `seed`: seededRng(mixSeed(seed, stream)). A string stream
 * (a parameter name) is hashed with fnv1a32 first, so the same (seed, name) always gives the same values and
 * different names unrelated ones. Throws ConfigError on a non-integer seed.
 */
export function createRng(seed: number, stream: number | string = 0): SeededRng {
  if (!Number.isInteger(seed)) throw new ConfigError(`seed must be an integer, got ${seed}`);
  return seededRng(mixSeed(seed >>> 0, typeof stream === 'string' ? fnv1a32(stream) : stream));
}

/** A well-mixed 32-bit seed for stream `stream` of `seed` (murmur3's finaliser), for independent streams. */
export function mixSeed(seed: number, stream = 0): number {
  let h = (seed ^ Math.imul(stream + 1, 0x9e3779b9)) >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
