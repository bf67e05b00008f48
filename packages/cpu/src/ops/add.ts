import type { Tensor } from '@unet3d/core';
import type { CpuAllocator } from '../cpu-allocator.js';
import { asCpu, type CpuTensor } from '../cpu-tensor.js';
import { sameShape } from './check.js';

/** Elementwise a + b into a new tensor (residual connections). */
export function add(device: CpuAllocator, aT: Tensor, bT: Tensor): CpuTensor {
  const a = asCpu(aT);
  const bd = sameShape(bT, a.shape, 'add', 'b').data;
  const out = device.alloc(a.shape);
  const ad = a.data;
  const od = out.data;
  const n = ad.length;
  for (let i = 0; i < n; i++) od[i] = ad[i]! + bd[i]!;
  return out;
}

/** target += source, in place (gradient accumulation). */
export function addInto(targetT: Tensor, sourceT: Tensor): void {
  const t = asCpu(targetT);
  const sd = sameShape(sourceT, t.shape, 'addInto', 'source').data;
  const td = t.data;
  const n = td.length;
  for (let i = 0; i < n; i++) td[i]! += sd[i]!;
}
