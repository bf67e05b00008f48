import { type ConvPass, type ConvWorkload, convOutputShape, convWeightShape } from '@unet3d/core';

/** The three cuDNN convolution entry points. */
export type CudnnOp = 'forward' | 'backwardData' | 'backwardFilter';

/**
 * How one pass of a workload maps onto cuDNN. cuDNN only knows forward convolutions, so everything is
 * phrased in terms of one forward conv `convY = conv(convX, W)` with filter dims [K, C, kd, kh, kw]:
 *   - a normal conv: convX = input, convY = output, W = weight [Cout, Cin, k];
 *   - a transposed conv is the backward-data of the conv that maps its output back to its input:
 *     convX = output, convY = input, W = weight [Cin, Cout, k] read as [K, C, k] as is.
 * Then forward / backwardData swap for a transposed conv, and backwardFilter takes (convX, dconvY) =
 * (dy, x) instead of (x, dy).
 */
export interface CudnnConvCall {
  readonly op: CudnnOp;
  /** Dims of the conv's input (x), output (y) and filter, as cuDNN sees them. */
  readonly xDims: readonly number[];
  readonly yDims: readonly number[];
  readonly wDims: readonly number[];
  readonly pad: readonly number[];
  readonly stride: readonly number[];
  readonly dilation: readonly number[];
  /** Dims of the tensor this pass returns. */
  readonly resultDims: readonly number[];
  /** backwardFilter of a transposed conv: the caller's (x, dy) are cuDNN's (dy, x). */
  readonly swapFilterInputs: boolean;
}

export function cudnnConvCall(w: ConvWorkload, pass: ConvPass): CudnnConvCall {
  const t = w.spec.transposed;
  const input = [...w.input];
  const output = [...convOutputShape(w)];
  const weight = [...convWeightShape(w)];
  const xDims = t ? output : input;
  const yDims = t ? input : output;
  let op: CudnnOp;
  let resultDims: number[];
  switch (pass) {
    case 'forward':
      op = t ? 'backwardData' : 'forward';
      resultDims = output;
      break;
    case 'backwardData':
      op = t ? 'forward' : 'backwardData';
      resultDims = input;
      break;
    case 'backwardFilter':
      op = 'backwardFilter';
      resultDims = weight;
      break;
  }
  return {
    op,
    xDims,
    yDims,
    wDims: weight,
    pad: [...w.spec.padding],
    stride: [...w.spec.stride],
    dilation: [...w.spec.dilation],
    resultDims,
    swapFilterInputs: t && pass === 'backwardFilter',
  };
}

/** Per-pass cache key: algorithms are chosen once per (pass, workload). */
export function planKey(pass: ConvPass, workloadKey: string): string {
  return `${pass}:${workloadKey}`;
}
