import type { Tensor } from '@unet3d/core';
import type { CpuAllocator } from '../cpu-allocator.js';
import { asCpu, type CpuTensor } from '../cpu-tensor.js';
import { sameShape } from './check.js';
import { EXP_K, EXP_LN2_32, EXP_ROUND, EXP_TABLE_MAX_ARG, SOFTPLUS_TABLE } from './fast-exp.js';

/**
 * Masked mean of sigmoid + binary cross-entropy with logits, and its gradient w.r.t. the logits.
 * Per voxel ℓ = max(x, 0) − x·t + log(1 + e^−|x|) (stable for any x); loss = Σ m·ℓ / Σ m and
 * dlogits = m·(σ(x) − t) / Σ m. The mask is 0/1 (a weight in general); if Σ m = 0 the loss and gradient are 0.
 * Float32 storage uses the inline table exp and log(1 + e) of ./fast-exp.ts (~1e-11 relative, far below
 * float32 rounding); float64 (check) storage uses Math.exp/log1p.
 */
export function sigmoidBce(
  device: CpuAllocator,
  logitsT: Tensor,
  targetT: Tensor,
  maskT: Tensor,
): { loss: number; dlogits: CpuTensor } {
  const logits = asCpu(logitsT);
  const td = sameShape(targetT, logits.shape, 'sigmoidBce', 'target').data;
  const md = sameShape(maskT, logits.shape, 'sigmoidBce', 'mask').data;
  const xd = logits.data;
  const dlogits = device.alloc(logits.shape);
  const gd = dlogits.data;
  const n = xd.length;
  let msum = 0;
  for (let i = 0; i < n; i++) msum += md[i]!;
  if (msum === 0) {
    gd.fill(0); // alloc'd storage is uninitialised
    return { loss: 0, dlogits };
  }
  const inv = 1 / msum;
  const loss =
    xd instanceof Float32Array &&
    td instanceof Float32Array &&
    md instanceof Float32Array &&
    gd instanceof Float32Array
      ? bceF32(xd, td, md, gd, inv, 0, n)
      : bceExact(xd, td, md, gd, inv, 0, n, false);
  return { loss: loss * inv, dlogits };
}

/** Σ m·ℓ over [from, to) and gd = m·inv·(σ(x) − t) there, with Math.exp/log1p (`onlyRare`: just |x| > 40 or NaN). */
function bceExact(
  xd: Float32Array | Float64Array,
  td: Float32Array | Float64Array,
  md: Float32Array | Float64Array,
  gd: Float32Array | Float64Array,
  inv: number,
  from: number,
  to: number,
  onlyRare: boolean,
): number {
  let loss = 0;
  // Branch-free body (masked voxels contribute m = 0): the mask and the sign of x are random per voxel.
  for (let i = from; i < to; i++) {
    const x = xd[i]!;
    if (onlyRare && Math.abs(x) <= EXP_TABLE_MAX_ARG) continue;
    const m = md[i]!;
    const t = td[i]!;
    const e = Math.exp(-Math.abs(x));
    loss += m * (Math.max(x, 0) - x * t + Math.log1p(e));
    // σ(x) = 1/(1+e) for x ≥ 0 and e/(1+e) for x < 0
    const p = +(x >= 0);
    gd[i] = m * inv * ((p + (1 - p) * e) / (1 + e) - t);
  }
  return loss;
}

function bceF32(
  xd: Float32Array,
  td: Float32Array,
  md: Float32Array,
  gd: Float32Array,
  inv: number,
  from: number,
  to: number,
): number {
  const S = SOFTPLUS_TABLE;
  const K = EXP_K;
  const L = EXP_LN2_32;
  const R = EXP_ROUND;
  const MAX = EXP_TABLE_MAX_ARG;
  let rare = false;
  let loss = 0;
  for (let i = from; i < to; i++) {
    let x = xd[i]!;
    let m = md[i]!;
    const t = td[i]!;
    let a = Math.abs(x);
    if (!(a <= MAX)) {
      x = 0; // |x| > 40 or NaN: this voxel is redone exactly below (keeps this loop free of calls)
      a = 0;
      m = 0;
      rare = true;
    }
    // e = e^−|x| = c·(1 + q) ∈ (0, 1] and log(1 + e) = log(1 + c) + log1p(u) (see ./fast-exp.ts)
    const r = -a;
    const k = r * K + R - R;
    const f = r - k * L;
    const j = (-k | 0) << 2;
    const q = f * (1 + f * (0.5 + f * (1 / 6 + f * (1 / 24))));
    const cq = S[j]! * q;
    const e = S[j]! + cq;
    const u = cq * S[j + 2]!;
    const log1pe = S[j + 1]! + u * (1 + u * (-1 / 2 + u * (1 / 3 + u * (-1 / 4 + u * (1 / 5)))));
    const sig = 1 / (1 + e); // σ(|x|)
    loss += m * (0.5 * (x + a) - x * t + log1pe);
    // σ(x) = 1/(1+e) for x ≥ 0 and e/(1+e) for x < 0 (branch-free: signs and mask are random per voxel)
    const p = +(x >= 0);
    gd[i] = m * inv * ((p + (1 - p) * e) * sig - t);
  }
  if (rare) loss += bceExact(xd, td, md, gd, inv, from, to, true);
  return loss;
}
