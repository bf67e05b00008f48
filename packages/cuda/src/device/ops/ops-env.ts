import { type Shape, ShapeError, shapesEqual, type Tensor } from '@unet3d/core';
import type { CudaContext } from '../../runtime/context.js';
import type { CudaProgram } from '../../runtime/program.js';
import { asCuda, type CudaTensor } from '../cuda-tensor.js';
import type { KernelSource } from '../kernels/kernel-source.js';

/** What the ops need from the device: tensors, scratch memory, compiled kernels, the context. */
export interface CudaOpsEnv {
  readonly ctx: CudaContext;
  alloc(shape: Shape): CudaTensor;
  /** Raw device memory for partial sums; give it back with `freeScratch` (stream order makes reuse safe). */
  allocScratch(bytes: number): bigint;
  freeScratch(ptr: bigint): void;
  program(source: KernelSource): CudaProgram;
}

/** NC(S) view of a 5-D (or any ≥2-D) tensor: batch, channels, product of the rest. */
export function ncs(t: Tensor): { n: number; c: number; s: number } {
  if (t.shape.length < 2) throw new ShapeError(`expected an N,C,... tensor, got [${t.shape.join(',')}]`);
  const [n, c, ...rest] = t.shape;
  return { n: n!, c: c!, s: rest.reduce((a, b) => a * b, 1) };
}

export function sameShape(a: Tensor, b: Tensor, op: string): void {
  if (!shapesEqual(a.shape, b.shape)) {
    throw new ShapeError(`${op}: shapes differ, [${a.shape.join(',')}] vs [${b.shape.join(',')}]`);
  }
}

export function channelVector(t: Tensor, c: number, what: string, op: string): CudaTensor {
  if (t.size !== c) throw new ShapeError(`${op}: ${what} must have ${c} entries, got ${t.size}`);
  return asCuda(t);
}

export function fiveD(t: Tensor, op: string): readonly [number, number, number, number, number] {
  if (t.shape.length !== 5)
    throw new ShapeError(`${op}: expected a 5-D NCDHW tensor, got [${t.shape.join(',')}]`);
  const [n, c, d, h, w] = t.shape;
  return [n!, c!, d!, h!, w!];
}
