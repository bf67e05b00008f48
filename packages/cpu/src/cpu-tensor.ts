import { type HostArray, numel, type Shape, type Tensor } from '@unet3d/core';

export type CpuPrecision = 'float32' | 'float64';

/** A tensor in host memory, NCDHW, row-major. Float64 storage is the gradient-check mode. */
export class CpuTensor implements Tensor {
  readonly device = 'cpu' as const;
  readonly size: number;
  constructor(
    readonly shape: Shape,
    readonly data: HostArray,
  ) {
    this.size = numel(shape);
    if (data.length !== this.size) {
      throw new RangeError(
        `CpuTensor: data has ${data.length} elements but shape [${shape.join(',')}] needs ${this.size}`,
      );
    }
  }
}

/** Narrow a device-agnostic Tensor to a CpuTensor, with a clear error if it lives elsewhere. */
export function asCpu(t: Tensor): CpuTensor {
  if (!(t instanceof CpuTensor)) throw new TypeError(`expected a CPU tensor, got one on '${t.device}'`);
  return t;
}
