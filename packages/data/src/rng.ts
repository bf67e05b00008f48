import { ConfigError } from '@unet3d/core';

/**
 * A seeded pseudo-random stream. All randomness in this package goes through one of these, so every volume,
 * label map and patch position is a pure function of its seed.
 */
export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform unsigned 32-bit integer (for deriving child seeds). */
  nextUint32(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
  /** Standard normal N(0, 1) (Marsaglia's polar method, second value cached). */
  normal(): number;
}

/**
 * murmur3's 32-bit finaliser: scrambles a seed so that nearby seeds (1, 2, 3…) start unrelated streams, and
 * combines a seed with a stream index for independent sub-streams.
 */
export function mixSeed(seed: number, stream = 0): number {
  let h = (seed ^ Math.imul(stream + 1, 0x9e3779b9)) >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * mulberry32 (Tommy Ettinger, public domain), seeded through `mixSeed`. Why this generator: it is a few lines
 * of 32-bit integer arithmetic (Math.imul), fast in V8, has a full 2^32 period and passes common statistical
 * batteries well enough for simulation. A volume of 64×128×128 draws ~2·10^6 numbers, far below the period.
 * Not for cryptography. `seed` must be an integer (negative values wrap to uint32).
 */
export function createRng(seed: number): Rng {
  if (!Number.isInteger(seed)) throw new ConfigError(`seed must be an integer, got ${seed}`);
  let state = mixSeed(seed >>> 0);
  const nextUint32 = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
  const next = (): number => nextUint32() / 4294967296;
  let spare: number | null = null;
  return {
    next,
    nextUint32,
    int: (n) => Math.floor(next() * n),
    normal: () => {
      if (spare !== null) {
        const v = spare;
        spare = null;
        return v;
      }
      // Polar form of Box–Muller: no sin/cos; accepts (u, v) inside the unit disc (π/4 of draws).
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
  };
}
