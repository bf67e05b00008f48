import { type ConvPass, type ConvWorkload, convOutputShape, type Shape5D, type Triple } from '@unet3d/core';

/**
 * Every pass of a conv or transposed conv is one of three maps over the same forward-conv geometry
 * (see `@unet3d/core/testing` reference-conv): a *big* tensor (forward conv's input), a *small* tensor
 * (its output) and a weight [smallC, bigC, kd, kh, kw] with big index i = o·s − p + k·d.
 *   gather  small ← big:   conv forward, convT backward-data
 *   scatter big ← small:   conv backward-data, convT forward
 *   weight  W ← big,small: backward-filter of both
 */
export interface Geometry {
  readonly big: Shape5D;
  readonly small: Shape5D;
  readonly kernel: Triple;
  readonly stride: Triple;
  readonly padding: Triple;
  readonly dilation: Triple;
}

export type MapKind = 'gather' | 'scatter' | 'weight';

export function geometryOf(w: ConvWorkload): Geometry {
  const out = convOutputShape(w);
  const { kernel, stride, padding, dilation, transposed } = w.spec;
  return transposed
    ? { big: out, small: w.input, kernel, stride, padding, dilation }
    : { big: w.input, small: out, kernel, stride, padding, dilation };
}

export function mapKindOf(pass: ConvPass): MapKind {
  return pass === 'forward' ? 'gather' : pass === 'backwardData' ? 'scatter' : 'weight';
}

/** Which map a pass of a workload is (a transposed conv swaps gather and scatter). */
export function mapOf(w: ConvWorkload, pass: ConvPass): MapKind {
  const kind = mapKindOf(pass);
  if (!w.spec.transposed || kind === 'weight') return kind;
  return kind === 'gather' ? 'scatter' : 'gather';
}

export function kernelVolume(g: Geometry): number {
  return g.kernel[0] * g.kernel[1] * g.kernel[2];
}

/** Kernel equals stride, no padding, no dilation: each big voxel belongs to at most one window. */
export function isPatchify(g: Geometry): boolean {
  return [0, 1, 2].every((a) => g.kernel[a] === g.stride[a] && g.padding[a] === 0 && g.dilation[a] === 1);
}

/** Multiply-accumulates of one pass (the same for all three maps). */
export function macs(g: Geometry): number {
  const [n, cs, d, h, w] = g.small;
  return n * cs * d * h * w * g.big[1] * kernelVolume(g);
}
