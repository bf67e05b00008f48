import type { Tensor } from '@unet3d/core';
import type { CpuAllocator } from '../cpu-allocator.js';
import { asCpu, type CpuTensor } from '../cpu-tensor.js';
import { sameShape } from './check.js';
import { EXP_K, EXP_LN2_32, EXP_ROUND, EXP_TABLE_MAX_ARG, POW2_NEG, POW2_NEG_M1 } from './fast-exp.js';

/**
 * ELU: x where x > 0, alpha·(eˣ − 1) elsewhere. Float32 storage uses the inline table exp of ./fast-exp.ts
 * (error ~1e-12, far below float32 rounding) in a branch-free body, since the signs of normalised
 * activations are random per voxel; float64 (check) storage uses Math.expm1.
 */
export function elu(device: CpuAllocator, xT: Tensor, alpha: number): CpuTensor {
  const x = asCpu(xT);
  const y = device.alloc(x.shape);
  const xd = x.data;
  const yd = y.data;
  if (xd instanceof Float32Array && yd instanceof Float32Array) eluF32(xd, yd, alpha);
  else eluExact(xd, yd, alpha);
  return y;
}

function eluExact(xd: Float64Array | Float32Array, yd: Float64Array | Float32Array, alpha: number): void {
  const n = xd.length;
  for (let i = 0; i < n; i++) {
    const v = xd[i]!;
    yd[i] = v > 0 ? v : alpha * Math.expm1(v);
  }
}

function eluF32(xd: Float32Array, yd: Float32Array, alpha: number): void {
  const n = xd.length;
  const T = POW2_NEG;
  const T1 = POW2_NEG_M1;
  const K = EXP_K;
  const L = EXP_LN2_32;
  const R = EXP_ROUND;
  const MAX = EXP_TABLE_MAX_ARG;
  let rare = false;
  for (let i = 0; i < n; i++) {
    const v = xd[i]!;
    // a = |v|, r = min(v, 0) and max(v, 0) = (v + a)/2, all exact and branch-free.
    const a = Math.abs(v);
    let r = 0.5 * (v - a);
    if (!(r >= -MAX)) {
      r = 0; // v < −40, +Infinity or NaN: redone exactly below (keeps this loop free of calls)
      rare = true;
    }
    const k = r * K + R - R;
    const f = r - k * L;
    const j = -k | 0;
    const q = f * (1 + f * (0.5 + f * (1 / 6 + f * (1 / 24))));
    yd[i] = 0.5 * (v + a) + alpha * (T1[j]! + T[j]! * q);
  }
  if (rare) {
    for (let i = 0; i < n; i++) {
      const v = xd[i]!;
      if (!(Math.abs(v) <= MAX)) yd[i] = v > 0 ? v : alpha * Math.expm1(v);
    }
  }
}

/** ELU gradient from the forward output y: dy where y > 0, dy·(y + alpha) elsewhere. */
export function eluBackward(device: CpuAllocator, dyT: Tensor, yT: Tensor, alpha: number): CpuTensor {
  const y = asCpu(yT);
  const dy = sameShape(dyT, y.shape, 'eluBackward', 'dy').data;
  const dx = device.alloc(y.shape);
  const yd = y.data;
  const dxd = dx.data;
  const n = yd.length;
  for (let i = 0; i < n; i++) {
    // Branch-free select (signs are random per voxel): factor 1 where y > 0, y + alpha elsewhere.
    const v = yd[i]!;
    const p = +(v > 0);
    dxd[i] = dy[i]! * (p + (1 - p) * (v + alpha));
  }
  return dx;
}
