import { formatShape, type Shape, ShapeError, type Tensor } from '@unet3d/core';
import type { CpuAllocator } from '../cpu-allocator.js';
import { asCpu, type CpuTensor } from '../cpu-tensor.js';
import { dims5, sameShape } from './check.js';

/**
 * ×2 trilinear upsampling with PyTorch's nn.Upsample(scale_factor=2, mode='trilinear', align_corners=False)
 * semantics. Per axis, output o reads source coordinate s = max((o + 0.5)/2 − 0.5, 0) from i0 = ⌊s⌋ and
 * i1 = min(i0 + 1, n − 1) with weights 1 − (s − i0) and s − i0. For a factor of 2 that is, along an axis of
 * n inputs: out[0] = x[0]; out[2k+1] = ¾x[k] + ¼x[k+1]; out[2k+2] = ¼x[k] + ¾x[k+1]; out[2n−1] = x[n−1].
 *
 * The interpolation is separable: for each output plane we blend two input planes (D), then for each
 * output row two rows of that blend (H), then expand the row (W) with the fixed ¾/¼ pattern. Backward is
 * the exact adjoint of the same three steps, run in reverse. Intermediates are float64.
 */

/** Per-axis source indices and weights for a ×2 upsample of an axis of `n` (PyTorch's formula). */
export function axisTable(n: number): { i0: Int32Array; i1: Int32Array; w0: Float64Array; w1: Float64Array } {
  const m = 2 * n;
  const i0 = new Int32Array(m);
  const i1 = new Int32Array(m);
  const w0 = new Float64Array(m);
  const w1 = new Float64Array(m);
  for (let o = 0; o < m; o++) {
    const s = Math.max((o + 0.5) * 0.5 - 0.5, 0);
    const a = Math.floor(s);
    const l1 = s - a;
    i0[o] = a;
    i1[o] = a < n - 1 ? a + 1 : a;
    w0[o] = 1 - l1;
    w1[o] = l1;
  }
  return { i0, i1, w0, w1 };
}

export function upsampledShape(shape: Shape, op: string): [number, number, number, number, number] {
  const [N, C, D, H, W] = dims5(shape, op);
  if (D * H * W === 0) throw new ShapeError(`${op}: empty input [${formatShape(shape)}]`);
  return [N, C, 2 * D, 2 * H, 2 * W];
}

export function upsampleTrilinear2x(device: CpuAllocator, xT: Tensor): CpuTensor {
  const x = asCpu(xT);
  const [N, C, D, H, W] = dims5(x.shape, 'upsampleTrilinear2x');
  const y = device.alloc(upsampledShape(x.shape, 'upsampleTrilinear2x'));
  const xd = x.data;
  const yd = y.data;
  const td = axisTable(D);
  const th = axisTable(H);
  const HW = H * W;
  const W2 = 2 * W;
  const plane = new Float64Array(HW);
  const row = new Float64Array(W);
  let o = 0;
  for (let nc = 0; nc < N * C; nc++) {
    const base = nc * D * HW;
    for (let od = 0; od < 2 * D; od++) {
      const a = base + td.i0[od]! * HW;
      const b = base + td.i1[od]! * HW;
      const wa = td.w0[od]!;
      const wb = td.w1[od]!;
      for (let k = 0; k < HW; k++) plane[k] = wa * xd[a + k]! + wb * xd[b + k]!;
      for (let oh = 0; oh < 2 * H; oh++) {
        const ra = th.i0[oh]! * W;
        const rb = th.i1[oh]! * W;
        const ha = th.w0[oh]!;
        const hb = th.w1[oh]!;
        for (let k = 0; k < W; k++) row[k] = ha * plane[ra + k]! + hb * plane[rb + k]!;
        yd[o] = row[0]!;
        for (let k = 0; k < W - 1; k++) {
          const r0 = row[k]!;
          const r1 = row[k + 1]!;
          yd[o + 2 * k + 1] = 0.75 * r0 + 0.25 * r1;
          yd[o + 2 * k + 2] = 0.25 * r0 + 0.75 * r1;
        }
        yd[o + W2 - 1] = row[W - 1]!;
        o += W2;
      }
    }
  }
  return y;
}

/** The exact adjoint of upsampleTrilinear2x: each dy is spread back onto the inputs it was read from. */
export function upsampleTrilinear2xBackward(device: CpuAllocator, dyT: Tensor, inputShape: Shape): CpuTensor {
  const op = 'upsampleTrilinear2xBackward';
  const [N, C, D, H, W] = dims5(inputShape, op);
  const dy = sameShape(dyT, upsampledShape(inputShape, op), op, 'dy').data;
  const dx = device.zeros(inputShape); // accumulated into
  const dxd = dx.data;
  const td = axisTable(D);
  const th = axisTable(H);
  const HW = H * W;
  const W2 = 2 * W;
  const plane = new Float64Array(HW);
  const row = new Float64Array(W);
  let o = 0;
  for (let nc = 0; nc < N * C; nc++) {
    const base = nc * D * HW;
    for (let od = 0; od < 2 * D; od++) {
      plane.fill(0);
      for (let oh = 0; oh < 2 * H; oh++) {
        // Adjoint of the W expansion: input k collects ¼,¾,¾,¼ of outputs 2k−1..2k+2 (borders clamp).
        if (W === 1) {
          row[0] = dy[o]! + dy[o + 1]!;
        } else {
          row[0] = dy[o]! + 0.75 * dy[o + 1]! + 0.25 * dy[o + 2]!;
          for (let k = 1; k < W - 1; k++) {
            const p = o + 2 * k;
            row[k] = 0.25 * dy[p - 1]! + 0.75 * dy[p]! + 0.75 * dy[p + 1]! + 0.25 * dy[p + 2]!;
          }
          const p = o + W2 - 2;
          row[W - 1] = 0.25 * dy[p - 1]! + 0.75 * dy[p]! + dy[p + 1]!;
        }
        o += W2;
        const ra = th.i0[oh]! * W;
        const rb = th.i1[oh]! * W;
        const ha = th.w0[oh]!;
        const hb = th.w1[oh]!;
        for (let k = 0; k < W; k++) {
          const r = row[k]!;
          plane[ra + k]! += ha * r;
          plane[rb + k]! += hb * r;
        }
      }
      const a = base + td.i0[od]! * HW;
      const b = base + td.i1[od]! * HW;
      const wa = td.w0[od]!;
      const wb = td.w1[od]!;
      for (let k = 0; k < HW; k++) {
        const p = plane[k]!;
        dxd[a + k]! += wa * p;
        dxd[b + k]! += wb * p;
      }
    }
  }
  return dx;
}
