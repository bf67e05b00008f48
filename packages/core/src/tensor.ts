import type { Shape } from './shape.js';

export type DeviceKind = 'cpu' | 'cuda';
export type HostArray = Float32Array | Float64Array;

/** A tensor owned by a device. Its storage is the device's business (Float32Array on CPU, a pointer on CUDA). */
export interface Tensor {
  readonly shape: Shape;
  readonly size: number;
  readonly device: DeviceKind;
}
