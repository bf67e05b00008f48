import { formatShape, type Shape, ShapeError, type Tensor } from '@unet3d/core';
import type { CpuAllocator } from '../cpu-allocator.js';
import { asCpu, type CpuTensor } from '../cpu-tensor.js';
import { dims5, sameShape } from './check.js';

/** Output shape of a 2×2×2 stride-2 pool (PyTorch MaxPool3d(2): odd trailing planes/rows/columns dropped). */
export function pooledShape(shape: Shape, op: string): [number, number, number, number, number] {
  const [N, C, D, H, W] = dims5(shape, op);
  const out: [number, number, number, number, number] = [N, C, D >> 1, H >> 1, W >> 1];
  if (out[2] === 0 || out[3] === 0 || out[4] === 0) {
    throw new ShapeError(`${op}: input [${formatShape(shape)}] is smaller than the 2×2×2 window`);
  }
  return out;
}

/**
 * 2×2×2 max pool, stride 2. `argmax` holds the winner's offset dz·4 + dy·2 + dx inside its window; ties go
 * to the first in that order, and NaN wins (propagates) as in PyTorch.
 */
export function maxPool2x(device: CpuAllocator, xT: Tensor): { y: CpuTensor; argmax: CpuTensor } {
  const x = asCpu(xT);
  const [, , D, H, W] = dims5(x.shape, 'maxPool2x');
  const outShape = pooledShape(x.shape, 'maxPool2x');
  const [N, C, Do, Ho, Wo] = outShape;
  const y = device.alloc(outShape);
  const argmax = device.alloc(outShape);
  const xd = x.data;
  const yd = y.data;
  const ad = argmax.data;
  const HW = H * W;
  let o = 0;
  for (let nc = 0; nc < N * C; nc++) {
    const base = nc * D * HW;
    for (let od = 0; od < Do; od++) {
      for (let oh = 0; oh < Ho; oh++) {
        const p0 = base + 2 * od * HW + 2 * oh * W;
        const p1 = p0 + W;
        const p2 = p0 + HW;
        const p3 = p2 + W;
        for (let ow = 0, j = 0; ow < Wo; ow++, j += 2) {
          let best = xd[p0 + j]!;
          let arg = 0;
          let v = xd[p0 + j + 1]!;
          if (v > best || Number.isNaN(v)) {
            best = v;
            arg = 1;
          }
          v = xd[p1 + j]!;
          if (v > best || Number.isNaN(v)) {
            best = v;
            arg = 2;
          }
          v = xd[p1 + j + 1]!;
          if (v > best || Number.isNaN(v)) {
            best = v;
            arg = 3;
          }
          v = xd[p2 + j]!;
          if (v > best || Number.isNaN(v)) {
            best = v;
            arg = 4;
          }
          v = xd[p2 + j + 1]!;
          if (v > best || Number.isNaN(v)) {
            best = v;
            arg = 5;
          }
          v = xd[p3 + j]!;
          if (v > best || Number.isNaN(v)) {
            best = v;
            arg = 6;
          }
          v = xd[p3 + j + 1]!;
          if (v > best || Number.isNaN(v)) {
            best = v;
            arg = 7;
          }
          yd[o] = best;
          ad[o] = arg;
          o++;
        }
      }
    }
  }
  return { y, argmax };
}

/** Route each dy to its window's winner; every other input position gets 0. */
export function maxPool2xBackward(
  device: CpuAllocator,
  dyT: Tensor,
  argmaxT: Tensor,
  inputShape: Shape,
): CpuTensor {
  const op = 'maxPool2xBackward';
  const [, , D, H, W] = dims5(inputShape, op);
  const outShape = pooledShape(inputShape, op);
  const [N, C, Do, Ho, Wo] = outShape;
  const dy = sameShape(dyT, outShape, op, 'dy').data;
  const ad = sameShape(argmaxT, outShape, op, 'argmax').data;
  const dx = device.zeros(inputShape); // only the winners are written
  const dxd = dx.data;
  const HW = H * W;
  let o = 0;
  for (let nc = 0; nc < N * C; nc++) {
    const base = nc * D * HW;
    for (let od = 0; od < Do; od++) {
      for (let oh = 0; oh < Ho; oh++) {
        const p0 = base + 2 * od * HW + 2 * oh * W;
        for (let ow = 0; ow < Wo; ow++, o++) {
          const a = ad[o]!;
          dxd[p0 + 2 * ow + (a & 1) + ((a >> 1) & 1) * W + (a >> 2) * HW] = dy[o]!;
        }
      }
    }
  }
  return dx;
}
