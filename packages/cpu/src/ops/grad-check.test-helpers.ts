import type { HostArray, Shape, Tensor } from '@unet3d/core';
import { seededRng } from '@unet3d/core';
import { expect } from 'vitest';
import { CpuDevice } from '../cpu-device.js';
import { asCpu, type CpuTensor } from '../cpu-tensor.js';

/** Test-only helpers: a seeded generator, random tensors, and a central-difference gradient check. */

export function rng(seed: number): () => number {
  return seededRng(seed).next;
}

/** `n` values uniform in [lo, hi), each exactly representable in float32. */
export function randomValues(next: () => number, n: number, lo = -1, hi = 1): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.fround(lo + (hi - lo) * next());
  return out;
}

export const dev64 = (): CpuDevice => new CpuDevice({ precision: 'float64' });

export function upload(device: CpuDevice, values: ArrayLike<number>, shape: Shape): CpuTensor {
  return device.upload(Float64Array.from(values), shape);
}

/** The host storage of a CPU tensor (no copy). */
export function dataOf(t: Tensor): HostArray {
  return asCpu(t).data;
}

export function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

/**
 * Check `analytic` against central differences of the scalar `loss` w.r.t. every entry of `x` (perturbed
 * in place and restored). Each entry must agree to a relative error below `rtol` (with a tiny absolute
 * floor for entries that are ~0). Returns the worst relative error seen.
 */
export function expectGradient(
  loss: () => number,
  x: Float64Array | Float32Array,
  analytic: ArrayLike<number>,
  { eps = 1e-6, rtol = 1e-3, atol = 1e-8 } = {},
): number {
  expect(analytic.length).toBe(x.length);
  let worst = 0;
  for (let i = 0; i < x.length; i++) {
    const orig = x[i]!;
    x[i] = orig + eps;
    const lp = loss();
    x[i] = orig - eps;
    const lm = loss();
    x[i] = orig;
    const numeric = (lp - lm) / (2 * eps);
    const a = analytic[i]!;
    const err = Math.abs(a - numeric);
    const scale = Math.max(Math.abs(a), Math.abs(numeric));
    if (err > atol) worst = Math.max(worst, err / scale);
    if (err > rtol * scale + atol) {
      throw new Error(`gradient mismatch at ${i}: analytic ${a}, numeric ${numeric} (rel ${err / scale})`);
    }
  }
  return worst;
}
