import { numel, type Shape, ShapeError } from '@unet3d/core';
import { describe, expect, it } from 'vitest';
import { dataOf, dev64, dot, expectGradient, randomValues, rng, upload } from './grad-check.test-helpers.js';

/** Naive oracle written straight from PyTorch's upsample_trilinear3d (align_corners=False, scale 2). */
function naiveUpsample(x: ArrayLike<number>, shape: Shape): Float64Array {
  const [N, C, D, H, W] = shape as [number, number, number, number, number];
  const src = (o: number, n: number): [number, number, number, number] => {
    const s = Math.max(0.5 * (o + 0.5) - 0.5, 0);
    const i0 = Math.trunc(s);
    const off = i0 < n - 1 ? 1 : 0;
    const l1 = s - i0;
    return [i0, i0 + off, 1 - l1, l1];
  };
  const out = new Float64Array(N * C * 8 * D * H * W);
  let o = 0;
  for (let nc = 0; nc < N * C; nc++)
    for (let od = 0; od < 2 * D; od++)
      for (let oh = 0; oh < 2 * H; oh++)
        for (let ow = 0; ow < 2 * W; ow++) {
          const [d0, d1, a0, a1] = src(od, D);
          const [h0, h1, b0, b1] = src(oh, H);
          const [w0, w1, c0, c1] = src(ow, W);
          const at = (dd: number, hh: number, ww: number) => x[((nc * D + dd) * H + hh) * W + ww]!;
          out[o++] =
            a0 *
              (b0 * (c0 * at(d0, h0, w0) + c1 * at(d0, h0, w1)) +
                b1 * (c0 * at(d0, h1, w0) + c1 * at(d0, h1, w1))) +
            a1 *
              (b0 * (c0 * at(d1, h0, w0) + c1 * at(d1, h0, w1)) +
                b1 * (c0 * at(d1, h1, w0) + c1 * at(d1, h1, w1)));
        }
  return out;
}

describe('trilinear ×2 upsampling, align_corners=False (CPU)', () => {
  it('matches hand-computed values for a 1×1×2×2×2 input', () => {
    const d = dev64();
    // x[d][h][w] = 4d + 2h + w (torch.arange(8).view(1,1,2,2,2)). Per axis a 2-vector [a, b] becomes
    // [a, ¾a + ¼b, ¼a + ¾b, b] (borders clamp), so y[d][h][w] = 4f(d) + 2f(h) + f(w), f = [0, ¼, ¾, 1].
    const y = d.ops.upsampleTrilinear2x(upload(d, [0, 1, 2, 3, 4, 5, 6, 7], [1, 1, 2, 2, 2]));
    expect(y.shape).toEqual([1, 1, 4, 4, 4]);
    const yd = d.download(y);
    const f = [0, 0.25, 0.75, 1];
    for (let i = 0; i < 4; i++)
      for (let j = 0; j < 4; j++)
        for (let k = 0; k < 4; k++) expect(yd[i * 16 + j * 4 + k]).toBe(4 * f[i]! + 2 * f[j]! + f[k]!);
    // PyTorch's first row and a few literal values
    expect(Array.from(yd.subarray(0, 4))).toEqual([0, 0.25, 0.75, 1]);
    expect(yd[21]).toBe(1.75); // (1,1,1)
    expect(yd[63]).toBe(7); // (3,3,3)
  });

  it('clamps at both borders: out[0] = x[0] and out[2n−1] = x[n−1] along each axis', () => {
    const d = dev64();
    const y = d.download(d.ops.upsampleTrilinear2x(upload(d, [1, 5, 3], [1, 1, 1, 1, 3])));
    // d and h have size 1: both outputs copy; along w: [1, 1·¾+5·¼, 1·¼+5·¾, 5·¾+3·¼, 5·¼+3·¾, 3]
    const row = [1, 2, 4, 4.5, 3.5, 3];
    expect(Array.from(y)).toEqual([...row, ...row, ...row, ...row]);
  });

  it('matches the naive PyTorch formula on odd and size-1 shapes', () => {
    const d = dev64();
    const next = rng(21);
    for (const shape of [
      [2, 3, 3, 4, 5],
      [1, 2, 1, 3, 1],
      [1, 1, 5, 1, 2],
    ] as const) {
      const n = numel(shape);
      const xv = randomValues(next, n);
      const y = d.download(d.ops.upsampleTrilinear2x(upload(d, xv, shape)));
      const ref = naiveUpsample(xv, shape);
      expect(y.length).toBe(ref.length);
      for (let i = 0; i < ref.length; i++) expect(y[i]).toBeCloseTo(ref[i]!, 14);
    }
  });

  it('backward is the exact adjoint: central differences and ⟨Ux, g⟩ = ⟨x, Uᵀg⟩ (float64, odd shapes)', () => {
    const d = dev64();
    const next = rng(8);
    for (const shape of [
      [2, 3, 3, 4, 5],
      [1, 2, 1, 2, 1],
    ] as const) {
      const n = numel(shape);
      const x = upload(d, randomValues(next, n), shape);
      const w = randomValues(next, 8 * n);
      const up = [shape[0], shape[1], 2 * shape[2], 2 * shape[3], 2 * shape[4]];
      const dx = d.ops.upsampleTrilinear2xBackward(upload(d, w, up), shape);
      expect(dx.shape).toEqual(shape);
      const loss = () => dot(w, dataOf(d.ops.upsampleTrilinear2x(x)));
      expect(expectGradient(loss, x.data, dataOf(dx))).toBeLessThan(1e-3);
      expect(dot(x.data, dataOf(dx))).toBeCloseTo(loss(), 12);
    }
  });

  it('rejects a dy of the wrong shape', () => {
    const d = dev64();
    expect(() => d.ops.upsampleTrilinear2xBackward(d.zeros([1, 1, 2, 2, 2]), [1, 1, 2, 2, 2])).toThrow(
      ShapeError,
    );
  });
});
