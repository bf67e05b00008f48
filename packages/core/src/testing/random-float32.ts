import type { SeededRng } from '../seeded-rng.js';

/** `n` values uniform in [-1, 1) as float32 (exactly representable, so every backend sees the same inputs). */
export function randomFloat32(rng: SeededRng, n: number): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = rng.uniform(-1, 1);
  return out;
}
