import {
  ConfigError,
  type ConvPass,
  type ConvWorkload,
  convOutputShape,
  convWeightShape,
  numel,
  type Triple,
} from '@unet3d/core';

/**
 * Every conv pass of every conv (normal or transposed) as one implicit GEMM C[m, j] = Σ_kk A[m, kk]·B[kk, j].
 *
 *  - `gather`:     out[n, m, o] = Σ_{c,k} in[n, c, o·s − p + k·d] · W(m, c, k)
 *                  (forward of a conv; backward-data of a transposed conv)
 *  - `fractional`: out[n, m, o] = Σ_{c,k} in[n, c, i] · W(m, c, k) with i = (o + p − k·d) / s when exact
 *                  (backward-data of a conv; forward of a transposed conv)
 *  - `wgrad`:      dW[m, c, k] = Σ_{n,q} A[n, m, q] · B[n, c, q·s − p + k·d]
 *                  (backward-filter of both; for a transposed conv A is x and B is dy)
 *
 * For the data kinds GEMM rows are output channels, columns are (n, output voxel) and the reduction runs over
 * (input channel, kernel offset). For `wgrad` rows are the weight's first dimension, columns (c, k) and the
 * reduction runs over (n, voxel) — the long axis that split-K divides.
 */
export type ProblemKind = 'gather' | 'fractional' | 'wgrad';

export interface GemmConvProblem {
  readonly kind: ProblemKind;
  readonly pass: ConvPass;
  readonly batch: number;
  /** GEMM row channels (m) and reduction/column channels (c). */
  readonly mChannels: number;
  readonly cChannels: number;
  /** Spatial extent of the iterated tensor (output for data kinds, q-space for wgrad). */
  readonly outSpatial: Triple;
  /** Spatial extent of the gathered tensor (the `in` / `B` operand). */
  readonly inSpatial: Triple;
  readonly kernel: Triple;
  readonly stride: Triple;
  readonly padding: Triple;
  readonly dilation: Triple;
  /** Element strides of W(m, c, ·) for data kinds (PyTorch layout); for wgrad the output is [m, c, k]. */
  readonly weightStrideM: number;
  readonly weightStrideC: number;
  /** GEMM sizes. */
  readonly gemmM: number;
  readonly gemmN: number;
  readonly gemmK: number;
  /** Element counts of the two operands and the result, in kernel argument order (A, B, C). */
  readonly sizeA: number;
  readonly sizeB: number;
  readonly sizeC: number;
  /** Shapes of the kernel arguments: data kinds (weight, in, out); wgrad (A, B, dW). */
  readonly shapeA: readonly number[];
  readonly shapeB: readonly number[];
  readonly shapeC: readonly number[];
}

const vol = (t: Triple): number => t[0] * t[1] * t[2];
const INT_MAX = 2 ** 31 - 1;

export function gemmProblem(workload: ConvWorkload, pass: ConvPass): GemmConvProblem {
  const spec = workload.spec;
  const x = workload.input;
  const y = convOutputShape(workload);
  const w = convWeightShape(workload);
  const n = x[0];
  const cin = x[1];
  const cout = workload.outChannels;
  const xs: Triple = [x[2], x[3], x[4]];
  const ys: Triple = [y[2], y[3], y[4]];
  const kv = vol(spec.kernel);
  const geom = {
    kernel: spec.kernel,
    stride: spec.stride,
    padding: spec.padding,
    dilation: spec.dilation,
  };
  let p: Omit<GemmConvProblem, 'gemmM' | 'gemmN' | 'gemmK' | 'sizeA' | 'sizeB' | 'sizeC'>;
  // Weight layout: conv [Cout, Cin, k], transposed [Cin, Cout, k].
  const wOut = spec.transposed ? kv : cin * kv; // stride of the Cout index
  const wIn = spec.transposed ? cout * kv : kv; // stride of the Cin index
  if (pass === 'forward') {
    p = {
      kind: spec.transposed ? 'fractional' : 'gather',
      pass,
      batch: n,
      mChannels: cout,
      cChannels: cin,
      outSpatial: ys,
      inSpatial: xs,
      ...geom,
      weightStrideM: wOut,
      weightStrideC: wIn,
      shapeA: w,
      shapeB: x,
      shapeC: y,
    };
  } else if (pass === 'backwardData') {
    p = {
      kind: spec.transposed ? 'gather' : 'fractional',
      pass,
      batch: n,
      mChannels: cin,
      cChannels: cout,
      outSpatial: xs,
      inSpatial: ys,
      ...geom,
      weightStrideM: wIn,
      weightStrideC: wOut,
      shapeA: w,
      shapeB: y,
      shapeC: x,
    };
  } else if (pass === 'backwardFilter') {
    // conv: dW[co, ci, k] = Σ dy[n, co, q] x[n, ci, q·s − p + k·d]; transposed: dW[ci, co, k] = Σ x[n, ci, q] dy[n, co, …].
    p = spec.transposed
      ? {
          kind: 'wgrad',
          pass,
          batch: n,
          mChannels: cin,
          cChannels: cout,
          outSpatial: xs,
          inSpatial: ys,
          ...geom,
          weightStrideM: cout * kv,
          weightStrideC: kv,
          shapeA: x,
          shapeB: y,
          shapeC: w,
        }
      : {
          kind: 'wgrad',
          pass,
          batch: n,
          mChannels: cout,
          cChannels: cin,
          outSpatial: ys,
          inSpatial: xs,
          ...geom,
          weightStrideM: cin * kv,
          weightStrideC: kv,
          shapeA: y,
          shapeB: x,
          shapeC: w,
        };
  } else {
    throw new ConfigError(`unknown conv pass '${String(pass)}'`);
  }
  const outVol = vol(p.outSpatial);
  const gemm =
    p.kind === 'wgrad'
      ? { gemmM: p.mChannels, gemmN: p.cChannels * kv, gemmK: p.batch * outVol }
      : { gemmM: p.mChannels, gemmN: p.batch * outVol, gemmK: p.cChannels * kv };
  const sizes = { sizeA: numel(p.shapeA), sizeB: numel(p.shapeB), sizeC: numel(p.shapeC) };
  for (const [k, v] of Object.entries(sizes)) {
    if (v > INT_MAX)
      throw new ConfigError(`tensor ${k} has ${v} elements; generated kernels index with int32`);
  }
  return { ...p, ...gemm, ...sizes };
}

/** Multiply-accumulates of the problem (the same for every pass of a workload). */
export function problemMacs(p: GemmConvProblem): number {
  return p.gemmM * p.gemmN * p.gemmK;
}

/**
 * The kernel's (A, B) from a pass's reference operands (referenceConv order: forward (x, W),
 * backwardData (dy, W), backwardFilter (x, dy)).
 */
export function kernelOperands<T>(p: GemmConvProblem, transposed: boolean, first: T, second: T): [T, T] {
  if (p.kind !== 'wgrad') return [second, first];
  return transposed ? [first, second] : [second, first];
}
