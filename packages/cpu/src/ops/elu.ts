import type { Tensor } from '@unet3d/core';
import type { CpuDevice } from '../cpu-device.js';
import { asCpu, type CpuTensor } from '../cpu-tensor.js';
import { sameShape } from './check.js';

/** ELU: x where x > 0, alpha·(eˣ − 1) elsewhere (expm1 for accuracy near 0). */
export function elu(device: CpuDevice, xT: Tensor, alpha: number): CpuTensor {
  const x = asCpu(xT);
  const y = device.alloc(x.shape);
  const xd = x.data;
  const yd = y.data;
  const n = xd.length;
  for (let i = 0; i < n; i++) {
    const v = xd[i]!;
    yd[i] = v > 0 ? v : alpha * Math.expm1(v);
  }
  return y;
}

/** ELU gradient from the forward output y: dy where y > 0, dy·(y + alpha) elsewhere. */
export function eluBackward(device: CpuDevice, dyT: Tensor, yT: Tensor, alpha: number): CpuTensor {
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
