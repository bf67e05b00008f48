import type { Geometry } from './geometry.js';
import type { GraphBuilder } from './onnx-graph.js';

/**
 * The k = s = (1, b, b) transposed conv of the strided head (and the k = s = (1, b, b) conv) as a
 * per-voxel MatMul plus onnxruntime's DepthToSpace / SpaceToDepth on single-channel planes
 * ([N·C·D, 1, H, W] is a free reshape of NCDHW), and one Transpose that moves whole planes.
 * The generic 8-D Transpose of `patchify-matmul` moves one or two floats at a time and was measured
 * about twice as slow as DepthToSpace (see plan.ts).
 */
export function isPixelShuffle(g: Geometry): boolean {
  const [kd, kh, kw] = g.kernel;
  return (
    kd === 1 &&
    g.stride[0] === 1 &&
    kh === kw &&
    kh > 1 &&
    g.stride[1] === kh &&
    g.stride[2] === kw &&
    g.padding.every((p) => p === 0) &&
    g.dilation.every((d) => d === 1)
  );
}

/** small [N, Cs, S] → big [N, Cb, B] (transposed-conv forward / conv backward-data). */
export function pixelShuffleScatter(gb: GraphBuilder, g: Geometry, small: string, w: string): string {
  const [N, Cb, Bd, Bh, Bw] = g.big;
  const [, Cs, Sd, Sh, Sw] = g.small;
  const b = g.kernel[1];
  const wT = gb.transpose(gb.reshape(w, [Cs, Cb * b * b]), [1, 0]); // rows (cb, by, bx)
  const cols = gb.op('MatMul', [wT, gb.reshape(small, [N, Cs, Sd * Sh * Sw])]); // [N, Cb·b², V]
  const planes = gb.transpose(gb.reshape(cols, [N, Cb, b * b, Sd, Sh * Sw]), [0, 1, 3, 2, 4]);
  const shuffled = gb.op('DepthToSpace', [gb.reshape(planes, [N * Cb * Sd, b * b, Sh, Sw])], {
    blocksize: b,
    mode: 'DCR',
  });
  const y = gb.reshape(shuffled, [N, Cb, Sd, Sh * b, Sw * b]);
  return gb.pad(y, [0, 0, 0, 0, 0, 0, 0, Bd - Sd, Bh - Sh * b, Bw - Sw * b]);
}

/** big as [N, Cb, b², Sd, Sh·Sw]: for each channel, the b² sub-sampled planes. */
function unshuffle(gb: GraphBuilder, g: Geometry, big: string): string {
  const [N, Cb, Bd, Bh, Bw] = g.big;
  const [, , Sd, Sh, Sw] = g.small;
  const b = g.kernel[1];
  const cropped =
    Bd === Sd && Bh === Sh * b && Bw === Sw * b
      ? big
      : gb.slice(big, [2, 3, 4], [0, 0, 0], [Sd, Sh * b, Sw * b]);
  const planes = gb.op('SpaceToDepth', [gb.reshape(cropped, [N * Cb * Sd, 1, Sh * b, Sw * b])], {
    blocksize: b,
  });
  return gb.transpose(gb.reshape(planes, [N, Cb, Sd, b * b, Sh * Sw]), [0, 1, 3, 2, 4]);
}

/** big [N, Cb, B] → small [N, Cs, S] (conv forward / transposed-conv backward-data). */
export function pixelShuffleGather(gb: GraphBuilder, g: Geometry, big: string, w: string): string {
  const [N, Cb] = g.big;
  const [, Cs, Sd, Sh, Sw] = g.small;
  const b = g.kernel[1];
  const cols = gb.reshape(unshuffle(gb, g, big), [N, Cb * b * b, Sd * Sh * Sw]);
  const y = gb.op('MatMul', [gb.reshape(w, [Cs, Cb * b * b]), cols]); // [N, Cs, V]
  return gb.reshape(y, g.small);
}

/** W [Cs, Cb, 1, b, b] from big and small. */
export function pixelShuffleWeight(gb: GraphBuilder, g: Geometry, big: string, small: string): string {
  const [N, Cb] = g.big;
  const [, Cs, Sd, Sh, Sw] = g.small;
  const b = g.kernel[1];
  const P = N * Sd * Sh * Sw;
  const u = unshuffle(gb, g, big); // [N, Cb, b², Sd, HW]
  const cols = gb.reshape(N === 1 ? u : gb.transpose(u, [1, 2, 0, 3, 4]), [Cb * b * b, P]);
  const rows = gb.reshape(N === 1 ? small : gb.transpose(small, [1, 0, 2, 3, 4]), [Cs, P]);
  const dW = gb.op('Gemm', [cols, rows], { transB: 1 }); // [Cb·b², Cs]
  return gb.reshape(gb.transpose(dW, [1, 0]), [Cs, Cb, 1, b, b]);
}
