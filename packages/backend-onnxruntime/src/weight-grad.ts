import { type Geometry, isPatchify, kernelVolume } from './geometry.js';
import type { GraphBuilder } from './onnx-graph.js';
import { isPixelShuffle, pixelShuffleWeight } from './pixel-shuffle.js';

/**
 * How the weight gradient W[a, b, k] = Σ_{n,o} big[n, b, o·s − p + k·d] · small[n, a, o] is computed:
 *  - patchify-matmul: k = s, p = 0, d = 1: reshuffle big into windows, one MatMul.
 *  - im2col-gemm: per chunk of output depth slices, gather the K shifted (strided) copies of big into a
 *    [K·Cb, P] column block (Slice + Concat), then Gemm with small [Cs, P] (transB); chunks are summed.
 *  - conv-transposed: one Conv with big as a batch of Cb one-channel-per-sample volumes and small as a
 *    volume-sized kernel (stride ↔ dilation swapped); onnxruntime im2cols over the whole volume.
 * Measured figures are in `plan.ts`.
 */
export type WeightFormulation =
  | 'pixel-shuffle'
  | 'patchify-matmul'
  | 'im2col-gemm'
  | 'tap-gemm'
  | 'conv-transposed';

export interface WeightGradOptions {
  /** Upper bound on one im2col column block, in float32 elements (default 16 Mi = 64 MiB). */
  chunkElements?: number;
}

export function chooseWeight(g: Geometry): WeightFormulation {
  if (isPixelShuffle(g)) return 'pixel-shuffle';
  return isPatchify(g) ? 'patchify-matmul' : 'im2col-gemm';
}

/** W [Cs, Cb, k] from big [N, Cb, B] and small [N, Cs, S]. Inputs of the builder: `big`, `small`. */
export function buildWeightGrad(
  gb: GraphBuilder,
  g: Geometry,
  f: WeightFormulation,
  options: WeightGradOptions = {},
): string {
  const big = gb.input('big', g.big);
  const small = gb.input('small', g.small);
  if (f === 'pixel-shuffle') return pixelShuffleWeight(gb, g, big, small);
  if (f === 'patchify-matmul') return patchify(gb, g, big, small);
  if (f === 'conv-transposed') return convTransposed(gb, g, big, small);
  return im2colGemm(gb, g, big, small, options.chunkElements ?? 16 * 1024 * 1024, f === 'tap-gemm');
}

function patchify(gb: GraphBuilder, g: Geometry, big: string, small: string): string {
  const [N, Cb, Bd, Bh, Bw] = g.big;
  const [, Cs, Sd, Sh, Sw] = g.small;
  const [kd, kh, kw] = g.kernel;
  const K = kernelVolume(g);
  const V = Sd * Sh * Sw;
  const cropped =
    Bd === Sd * kd && Bh === Sh * kh && Bw === Sw * kw
      ? big
      : gb.slice(big, [2, 3, 4], [0, 0, 0], [Sd * kd, Sh * kh, Sw * kw]);
  // [N, V, Cb·K]: rows are windows, columns (b, kd, kh, kw) — the weight layout.
  const windows = gb.reshape(
    gb.transpose(gb.reshape(cropped, [N, Cb, Sd, kd, Sh, kh, Sw, kw]), [0, 2, 4, 6, 1, 3, 5, 7]),
    [N, V, Cb * K],
  );
  let dW = gb.op('MatMul', [gb.reshape(small, [N, Cs, V]), windows]); // [N, Cs, Cb·K]
  if (N > 1) dW = gb.op('ReduceSum', [dW, gb.ints([0])], { keepdims: 0 });
  return gb.reshape(dW, [Cs, Cb, kd, kh, kw]);
}

function im2colGemm(
  gb: GraphBuilder,
  g: Geometry,
  big: string,
  small: string,
  chunkElements: number,
  perTap: boolean,
): string {
  const [N, Cb] = g.big;
  const [, Cs, Sd, Sh, Sw] = g.small;
  const [kd, kh, kw] = g.kernel;
  const [sd, sh, sw] = g.stride;
  const [dd, dh, dw] = g.dilation;
  const [pd, ph, pw] = g.padding;
  const K = kernelVolume(g);
  const padded = gb.pad(big, [0, 0, pd, ph, pw, 0, 0, pd, ph, pw]);
  const slab = Math.max(1, Math.min(Sd, Math.floor(chunkElements / (K * Cb * Sh * Sw))));
  const strided = g.stride.some((s) => s !== 1);
  const partials: string[] = [];
  for (let n = 0; n < N; n++) {
    for (let z0 = 0; z0 < Sd; z0 += slab) {
      const nz = Math.min(slab, Sd - z0);
      const P = nz * Sh * Sw;
      const taps: string[] = [];
      for (let a = 0; a < kd; a++)
        for (let b = 0; b < kh; b++)
          for (let c = 0; c < kw; c++) {
            const starts = [n, z0 * sd + a * dd, b * dh, c * dw];
            const counts = [1, nz, Sh, Sw];
            const steps = [1, sd, sh, sw];
            const ends = starts.map((st, i) => st + (counts[i]! - 1) * steps[i]! + 1);
            taps.push(gb.slice(padded, [0, 2, 3, 4], starts, ends, strided ? steps : undefined));
          }
      const rows = gb.reshape(gb.slice(small, [0, 2], [n, z0], [n + 1, z0 + nz]), [Cs, P]);
      if (perTap) {
        // One Gemm per tap straight from its slice (no column block): [Cb, Cs] each.
        const outs = taps.map((t) => gb.op('Gemm', [gb.reshape(t, [Cb, P]), rows], { transB: 1 }));
        partials.push(outs.length === 1 ? outs[0]! : gb.op('Concat', outs, { axis: 0 }));
        continue;
      }
      const cols = gb.reshape(taps.length === 1 ? taps[0]! : gb.op('Concat', taps, { axis: 0 }), [K * Cb, P]);
      // [K·Cb, Cs]: the long side as M suits MLAS's threading better than [Cs, K·Cb].
      partials.push(gb.op('Gemm', [cols, rows], { transB: 1 }));
    }
  }
  const sum = partials.length === 1 ? partials[0]! : gb.op('Sum', partials);
  return gb.reshape(gb.transpose(gb.reshape(sum, [K, Cb, Cs]), [2, 1, 0]), [Cs, Cb, kd, kh, kw]);
}

function convTransposed(gb: GraphBuilder, g: Geometry, big: string, small: string): string {
  const [kd, kh, kw] = g.kernel;
  const input = gb.transpose(big, [1, 0, 2, 3, 4]); // [Cb, N, B]
  const kernel = gb.transpose(small, [1, 0, 2, 3, 4]); // [Cs, N, S]
  const y = gb.op('Conv', [input, kernel], {
    kernel_shape: [g.small[2], g.small[3], g.small[4]],
    strides: g.dilation,
    dilations: g.stride,
    pads: [...g.padding, ...g.padding],
  }); // [Cb, Cs, ≥k]
  const natural = [0, 1, 2].map(
    (a) =>
      Math.floor(
        (g.big[a + 2]! + 2 * g.padding[a]! - g.stride[a]! * (g.small[a + 2]! - 1) - 1) / g.dilation[a]!,
      ) + 1,
  );
  const exact = natural.every((v, a) => v === g.kernel[a]);
  const cropped = exact ? y : gb.slice(y, [2, 3, 4], [0, 0, 0], [kd, kh, kw]);
  return gb.transpose(cropped, [1, 0, 2, 3, 4]);
}
