import { formatShape, type Shape, ShapeError, shapesEqual, type Tensor } from '@unet3d/core';
import { asCpu, type CpuTensor } from '../cpu-tensor.js';

/** (N, C, S) of an NCDHW tensor: batch, channels, and the spatial volume D·H·W. */
export function ncs(shape: Shape, op: string): readonly [n: number, c: number, s: number] {
  if (shape.length !== 5)
    throw new ShapeError(`${op}: expected an NCDHW tensor, got [${formatShape(shape)}]`);
  return [shape[0]!, shape[1]!, shape[2]! * shape[3]! * shape[4]!];
}

/** The five extents of an NCDHW shape. */
export function dims5(shape: Shape, op: string): readonly [number, number, number, number, number] {
  if (shape.length !== 5)
    throw new ShapeError(`${op}: expected an NCDHW tensor, got [${formatShape(shape)}]`);
  return [shape[0]!, shape[1]!, shape[2]!, shape[3]!, shape[4]!];
}

/** Narrow `t` to a CPU tensor whose shape equals `shape`. */
export function sameShape(t: Tensor, shape: Shape, op: string, what: string): CpuTensor {
  const c = asCpu(t);
  if (!shapesEqual(c.shape, shape)) {
    throw new ShapeError(
      `${op}: ${what} has shape [${formatShape(c.shape)}], expected [${formatShape(shape)}]`,
    );
  }
  return c;
}

/** Narrow `t` to a CPU tensor of exactly `n` elements (a per-channel vector). */
export function vectorOf(t: Tensor, n: number, op: string, what: string): CpuTensor {
  const c = asCpu(t);
  if (c.size !== n)
    throw new ShapeError(`${op}: ${what} has ${c.size} elements, expected ${n} (one per channel)`);
  return c;
}
