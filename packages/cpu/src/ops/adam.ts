import type { AdamOptions, Tensor } from '@unet3d/core';
import { asCpu } from '../cpu-tensor.js';
import { sameShape } from './check.js';

/**
 * One Adam step in place, as torch.optim.Adam (no weight decay, no amsgrad):
 * m ← β₁m + (1−β₁)g; v ← β₂v + (1−β₂)g²; p ← p − (lr / (1−β₁ᵗ))·m / (√v / √(1−β₂ᵗ) + eps).
 */
export function adamStepInto(
  paramT: Tensor,
  gradT: Tensor,
  mT: Tensor,
  vT: Tensor,
  options: AdamOptions,
): void {
  const op = 'adamStepInto';
  const p = asCpu(paramT);
  const g = sameShape(gradT, p.shape, op, 'grad').data;
  const m = sameShape(mT, p.shape, op, 'm').data;
  const v = sameShape(vT, p.shape, op, 'v').data;
  const pd = p.data;
  const { lr, beta1, beta2, eps, step } = options;
  if (!Number.isInteger(step) || step < 1)
    throw new RangeError(`${op}: step must be an integer ≥ 1, got ${step}`);
  const stepSize = lr / (1 - beta1 ** step);
  const sqrtBc2 = Math.sqrt(1 - beta2 ** step);
  const c1 = 1 - beta1;
  const c2 = 1 - beta2;
  const n = pd.length;
  for (let i = 0; i < n; i++) {
    const gi = g[i]!;
    // Store first, then read back, so the update uses the moments at the tensor's own precision.
    m[i] = beta1 * m[i]! + c1 * gi;
    v[i] = beta2 * v[i]! + c2 * gi * gi;
    const mi = m[i]!;
    const vi = v[i]!;
    pd[i] = pd[i]! - (stepSize * mi) / (Math.sqrt(vi) / sqrtBc2 + eps);
  }
}
