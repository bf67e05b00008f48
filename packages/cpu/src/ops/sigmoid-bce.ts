import type { Tensor } from '@unet3d/core';
import type { CpuDevice } from '../cpu-device.js';
import { asCpu, type CpuTensor } from '../cpu-tensor.js';
import { sameShape } from './check.js';

/**
 * Masked mean of sigmoid + binary cross-entropy with logits, and its gradient w.r.t. the logits.
 * Per voxel ℓ = max(x, 0) − x·t + log(1 + e^−|x|) (stable for any x); loss = Σ m·ℓ / Σ m and
 * dlogits = m·(σ(x) − t) / Σ m. The mask is 0/1 (a weight in general); if Σ m = 0 the loss and gradient are 0.
 */
export function sigmoidBce(
  device: CpuDevice,
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
  if (msum === 0) return { loss: 0, dlogits };
  const inv = 1 / msum;
  let loss = 0;
  // Branch-free body (masked voxels contribute m = 0): the mask and the sign of x are random per voxel.
  for (let i = 0; i < n; i++) {
    const m = md[i]!;
    const x = xd[i]!;
    const t = td[i]!;
    const e = Math.exp(-Math.abs(x));
    loss += m * (Math.max(x, 0) - x * t + Math.log1p(e));
    // σ(x) = 1/(1+e) for x ≥ 0 and e/(1+e) for x < 0
    const p = +(x >= 0);
    gd[i] = m * inv * ((p + (1 - p) * e) / (1 + e) - t);
  }
  return { loss: loss * inv, dlogits };
}
