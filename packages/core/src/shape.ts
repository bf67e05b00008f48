import { ShapeError } from './errors.js';

/** Three spatial extents or per-axis parameters, ordered (z, y, x) = (D, H, W). */
export type Triple = readonly [number, number, number];

/** A 5-D activation shape (N, C, D, H, W). */
export type Shape5D = readonly [n: number, c: number, d: number, h: number, w: number];

/** Any tensor shape (parameters are 1-D or 5-D). */
export type Shape = readonly number[];

export function numel(shape: Shape): number {
  let n = 1;
  for (const s of shape) n *= s;
  return n;
}

function assertPositiveInt(value: number, what: string): void {
  if (!Number.isInteger(value) || value <= 0) {
    throw new ShapeError(`${what} must be a positive integer, got ${value}`);
  }
}

/** Build a (N, C, D, H, W) shape, rejecting zero, negative and fractional sizes. */
export function shape5d(n: number, c: number, d: number, h: number, w: number): Shape5D {
  assertPositiveInt(n, 'batch size N');
  assertPositiveInt(c, 'channels C');
  assertPositiveInt(d, 'depth D');
  assertPositiveInt(h, 'height H');
  assertPositiveInt(w, 'width W');
  return [n, c, d, h, w];
}

/** Expand a scalar or a triple to a triple. */
export function triple(v: number | readonly number[], what = 'value'): Triple {
  if (typeof v === 'number') return [v, v, v];
  if (v.length !== 3) throw new ShapeError(`${what} must have 3 entries (z,y,x), got ${v.length}`);
  return [v[0]!, v[1]!, v[2]!];
}

export function spatialOf(shape: Shape5D): Triple {
  return [shape[2], shape[3], shape[4]];
}

export function formatShape(shape: Shape): string {
  return shape.join('×');
}

export function shapesEqual(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}
