import type { Tensor } from '@unet3d/core';
import type { CpuAllocator } from '../cpu-allocator.js';
import { asCpu, type CpuTensor } from '../cpu-tensor.js';
import { ncs, vectorOf } from './check.js';

/** x += bias[c], broadcast over N, D, H, W, in place. */
export function biasAddInto(xT: Tensor, biasT: Tensor): void {
  const x = asCpu(xT);
  const [N, C, S] = ncs(x.shape, 'biasAddInto');
  const bd = vectorOf(biasT, C, 'biasAddInto', 'bias').data;
  const xd = x.data;
  let i = 0;
  for (let n = 0; n < N; n++) {
    for (let c = 0; c < C; c++) {
      const v = bd[c]!;
      const end = i + S;
      for (; i < end; i++) xd[i]! += v;
    }
  }
}

/** Bias gradient: Σ dy over N, D, H, W per channel, accumulated in float64. */
export function biasGrad(device: CpuAllocator, dyT: Tensor): CpuTensor {
  const dy = asCpu(dyT);
  const [N, C, S] = ncs(dy.shape, 'biasGrad');
  const acc = new Float64Array(C);
  const dd = dy.data;
  let i = 0;
  for (let n = 0; n < N; n++) {
    for (let c = 0; c < C; c++) {
      let s = 0;
      const end = i + S;
      for (; i < end; i++) s += dd[i]!;
      acc[c]! += s;
    }
  }
  const out = device.alloc([C]);
  out.data.set(acc);
  return out;
}
