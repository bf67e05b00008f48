import type { Shape } from '@unet3d/core';
import type { CpuTensor } from './cpu-tensor.js';

/** Where CPU ops allocate their outputs (the CpuDevice, with its pool); the ops need nothing else of it. */
export interface CpuAllocator {
  /** A tensor with UNINITIALISED contents. */
  alloc(shape: Shape): CpuTensor;
  /** A tensor of zeros. */
  zeros(shape: Shape): CpuTensor;
  /** Return a tensor's storage for reuse; it must not be touched afterwards. */
  free(t: CpuTensor): void;
}
