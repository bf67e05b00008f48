import {
  type Device,
  type HostArray,
  numel,
  type Shape,
  ShapeError,
  shapesEqual,
  type Tensor,
} from '@unet3d/core';

/** A tensor already on the device, or host data to upload. */
export type TensorLike = Tensor | HostArray;

export function isHostArray(t: TensorLike): t is HostArray {
  return t instanceof Float32Array || t instanceof Float64Array;
}

/**
 * Put a batch tensor on the device. Host data is uploaded (and must be freed by the caller: `owned`);
 * a device tensor is lent and its shape checked.
 */
export function toDevice(
  device: Device,
  value: TensorLike,
  shape: Shape,
  what: string,
): { tensor: Tensor; owned: boolean } {
  if (isHostArray(value)) {
    if (value.length !== numel(shape)) {
      throw new ShapeError(
        `${what} has ${value.length} values, expected [${shape.join(',')}] = ${numel(shape)}`,
      );
    }
    return { tensor: device.upload(value, shape), owned: true };
  }
  if (!shapesEqual(value.shape, shape)) {
    throw new ShapeError(`${what} has shape [${value.shape.join(',')}], expected [${shape.join(',')}]`);
  }
  return { tensor: value, owned: false };
}
