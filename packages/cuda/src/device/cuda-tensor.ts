import { numel, type Shape, type Tensor } from '@unet3d/core';

/** A float32 tensor in GPU memory, NCDHW row-major, at device pointer `ptr`. */
export class CudaTensor implements Tensor {
  readonly device = 'cuda' as const;
  readonly size: number;
  constructor(
    readonly shape: Shape,
    readonly ptr: bigint,
    /** Bytes of the pooled block holding it (≥ size·4). */
    readonly blockBytes: number,
  ) {
    this.size = numel(shape);
  }

  get bytes(): number {
    return this.size * 4;
  }
}

/** Narrow a device-agnostic Tensor to a CudaTensor, with a clear error if it lives elsewhere. */
export function asCuda(t: Tensor): CudaTensor {
  if (!(t instanceof CudaTensor)) throw new TypeError(`expected a CUDA tensor, got one on '${t.device}'`);
  return t;
}
