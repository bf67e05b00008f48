import { type BatchNormOptions, type BatchNormSaved, ShapeError, type Tensor } from '@unet3d/core';
import type { CpuAllocator } from '../cpu-allocator.js';
import { asCpu, type CpuTensor } from '../cpu-tensor.js';
import { ncs, sameShape, vectorOf } from './check.js';

/**
 * Training-mode batch norm (PyTorch BatchNorm3d.train()): per-channel statistics over N, D, H, W; the
 * biased variance normalises, the unbiased one (·M/(M−1)) enters the running average with `momentum`.
 * Sums are taken in float64 around a shift (the channel's first value) so one pass is enough and stays
 * accurate when |mean| ≫ std.
 */
export function batchNormTrain(
  device: CpuAllocator,
  xT: Tensor,
  gammaT: Tensor,
  betaT: Tensor,
  runningMeanT: Tensor,
  runningVarT: Tensor,
  options: BatchNormOptions,
): { y: CpuTensor; saved: BatchNormSaved } {
  const op = 'batchNormTrain';
  const x = asCpu(xT);
  const [N, C, S] = ncs(x.shape, op);
  const g = vectorOf(gammaT, C, op, 'gamma').data;
  const b = vectorOf(betaT, C, op, 'beta').data;
  const rm = vectorOf(runningMeanT, C, op, 'runningMean').data;
  const rv = vectorOf(runningVarT, C, op, 'runningVar').data;
  const M = N * S;
  if (M < 2) throw new ShapeError(`${op}: need more than 1 value per channel in training mode, got ${M}`);
  const { momentum, eps } = options;

  const y = device.alloc(x.shape);
  const mean = device.alloc([C]);
  const invStd = device.alloc([C]);
  const xd = x.data;
  const yd = y.data;
  const CS = C * S;
  for (let c = 0; c < C; c++) {
    const k = xd[c * S]!;
    // Two independent pairs of sums (even/odd elements) so the adds pipeline instead of forming one chain.
    let s1 = 0;
    let s2 = 0;
    let t1 = 0;
    let t2 = 0;
    for (let n = 0; n < N; n++) {
      const end = n * CS + c * S + S;
      let i = end - S;
      for (; i + 1 < end; i += 2) {
        const d = xd[i]! - k;
        const e = xd[i + 1]! - k;
        s1 += d;
        s2 += d * d;
        t1 += e;
        t2 += e * e;
      }
      if (i < end) {
        const d = xd[i]! - k;
        s1 += d;
        s2 += d * d;
      }
    }
    s1 += t1;
    s2 += t2;
    const dm = s1 / M;
    const mu = k + dm;
    const varB = Math.max(s2 / M - dm * dm, 0);
    const is = 1 / Math.sqrt(varB + eps);
    mean.data[c] = mu;
    invStd.data[c] = is;
    rm[c] = (1 - momentum) * rm[c]! + momentum * mu;
    rv[c] = (1 - momentum) * rv[c]! + (momentum * varB * M) / (M - 1);
    const scale = g[c]! * is;
    const shift = b[c]!;
    for (let n = 0; n < N; n++) {
      const end = n * CS + c * S + S;
      for (let i = end - S; i < end; i++) yd[i] = (xd[i]! - mu) * scale + shift;
    }
  }
  return { y, saved: { mean, invStd } };
}

/** Inference-mode batch norm with the running statistics: y = (x − μ)/√(σ² + eps)·γ + β. */
export function batchNormInfer(
  device: CpuAllocator,
  xT: Tensor,
  gammaT: Tensor,
  betaT: Tensor,
  runningMeanT: Tensor,
  runningVarT: Tensor,
  eps: number,
): CpuTensor {
  const op = 'batchNormInfer';
  const x = asCpu(xT);
  const [N, C, S] = ncs(x.shape, op);
  const g = vectorOf(gammaT, C, op, 'gamma').data;
  const b = vectorOf(betaT, C, op, 'beta').data;
  const rm = vectorOf(runningMeanT, C, op, 'runningMean').data;
  const rv = vectorOf(runningVarT, C, op, 'runningVar').data;
  const y = device.alloc(x.shape);
  const xd = x.data;
  const yd = y.data;
  const CS = C * S;
  for (let c = 0; c < C; c++) {
    const mu = rm[c]!;
    const scale = g[c]! / Math.sqrt(rv[c]! + eps);
    const shift = b[c]!;
    for (let n = 0; n < N; n++) {
      const end = n * CS + c * S + S;
      for (let i = end - S; i < end; i++) yd[i] = (xd[i]! - mu) * scale + shift;
    }
  }
  return y;
}

/**
 * Backward of training-mode batch norm. With x̂ = (x − μ)·invStd and M = N·D·H·W:
 * dβ = Σ dy, dγ = Σ dy·x̂, dx = γ·invStd·(dy − dβ/M − x̂·dγ/M).
 */
export function batchNormBackward(
  device: CpuAllocator,
  dyT: Tensor,
  xT: Tensor,
  gammaT: Tensor,
  saved: BatchNormSaved,
): { dx: CpuTensor; dgamma: CpuTensor; dbeta: CpuTensor } {
  const op = 'batchNormBackward';
  const x = asCpu(xT);
  const [N, C, S] = ncs(x.shape, op);
  const dy = sameShape(dyT, x.shape, op, 'dy').data;
  const g = vectorOf(gammaT, C, op, 'gamma').data;
  const meanD = vectorOf(saved.mean, C, op, 'saved.mean').data;
  const isD = vectorOf(saved.invStd, C, op, 'saved.invStd').data;
  const dx = device.alloc(x.shape);
  const dgamma = device.alloc([C]);
  const dbeta = device.alloc([C]);
  const xd = x.data;
  const dxd = dx.data;
  const M = N * S;
  const CS = C * S;
  for (let c = 0; c < C; c++) {
    const mu = meanD[c]!;
    const is = isD[c]!;
    let sdy = 0;
    let sdyx = 0;
    let tdy = 0;
    let tdyx = 0;
    for (let n = 0; n < N; n++) {
      const end = n * CS + c * S + S;
      let i = end - S;
      for (; i + 1 < end; i += 2) {
        const d = dy[i]!;
        const e = dy[i + 1]!;
        sdy += d;
        sdyx += d * (xd[i]! - mu);
        tdy += e;
        tdyx += e * (xd[i + 1]! - mu);
      }
      if (i < end) {
        const d = dy[i]!;
        sdy += d;
        sdyx += d * (xd[i]! - mu);
      }
    }
    sdy += tdy;
    sdyx += tdyx;
    const dg = sdyx * is;
    dbeta.data[c] = sdy;
    dgamma.data[c] = dg;
    // dx = a·(dy − dβ/M − (x − μ)·k) = a·dy + bx·x + c0, per channel constants in float64
    const a = g[c]! * is;
    const mdb = sdy / M;
    const k = (dg * is) / M;
    const bx = -a * k;
    const c0 = a * (mu * k - mdb);
    for (let n = 0; n < N; n++) {
      const end = n * CS + c * S + S;
      for (let i = end - S; i < end; i++) dxd[i] = a * dy[i]! + bx * xd[i]! + c0;
    }
  }
  return { dx, dgamma, dbeta };
}
