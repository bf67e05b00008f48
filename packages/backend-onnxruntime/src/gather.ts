import { type Geometry, kernelVolume } from './geometry.js';
import type { GraphBuilder } from './onnx-graph.js';
import { pixelShuffleGather } from './pixel-shuffle.js';

/** How `small ← big ⋆ W` is computed. */
export type GatherFormulation = 'conv' | 'patchify-matmul' | 'pixel-shuffle';

/**
 * onnxruntime's Conv is the fastest gather measured, strided k = s included (the head's backward-data:
 * Conv beat both MatMul formulations, whose reshuffles cost more than the Conv's im2col).
 */
export function chooseGather(_g: Geometry): GatherFormulation {
  return 'conv';
}

/**
 * small [N, Cs, S] from big [N, Cb, B] and w [Cs, Cb, k] (a forward conv; the backward-data of a
 * transposed conv). Inputs of the builder: `big`, `w`.
 */
export function buildGather(gb: GraphBuilder, g: Geometry, f: GatherFormulation): string {
  const big = gb.input('big', g.big);
  const w = gb.input('w', [g.small[1], g.big[1], ...g.kernel]);
  const [N, Cb, Bd, Bh, Bw] = g.big;
  const [, Cs, Sd, Sh, Sw] = g.small;
  if (f === 'pixel-shuffle') return pixelShuffleGather(gb, g, big, w);
  if (f === 'patchify-matmul') {
    // Each big voxel lies in exactly one window: gather the windows to rows and do one MatMul.
    const [kd, kh, kw] = g.kernel;
    const cropped =
      Bd === Sd * kd && Bh === Sh * kh && Bw === Sw * kw
        ? big
        : gb.slice(big, [2, 3, 4], [0, 0, 0], [Sd * kd, Sh * kh, Sw * kw]);
    const windows = gb.reshape(
      gb.transpose(gb.reshape(cropped, [N, Cb, Sd, kd, Sh, kh, Sw, kw]), [0, 1, 3, 5, 7, 2, 4, 6]),
      [N, Cb * kernelVolume(g), Sd * Sh * Sw],
    );
    const y = gb.op('MatMul', [gb.reshape(w, [Cs, Cb * kernelVolume(g)]), windows]);
    return gb.reshape(y, g.small);
  }
  const y = gb.op('Conv', [big, w], {
    kernel_shape: g.kernel,
    strides: g.stride,
    dilations: g.dilation,
    pads: [...g.padding, ...g.padding],
  });
  // A transposed conv's output padding can make the conv's natural output longer than the small tensor.
  const natural = [0, 1, 2].map(
    (a) =>
      Math.floor(
        (g.big[a + 2]! + 2 * g.padding[a]! - g.dilation[a]! * (g.kernel[a]! - 1) - 1) / g.stride[a]!,
      ) + 1,
  );
  const exact = natural.every((n, a) => n === g.small[a + 2]);
  return exact ? y : gb.slice(y, [2, 3, 4], [0, 0, 0], [Sd, Sh, Sw]);
}
