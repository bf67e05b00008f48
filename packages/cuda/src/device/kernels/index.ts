import { ADAM_KERNELS } from './adam.js';
import { ADD_KERNELS } from './add.js';
import { BATCH_NORM_KERNELS } from './batch-norm.js';
import { BIAS_KERNELS } from './bias.js';
import { ELU_KERNELS } from './elu.js';
import type { KernelSource } from './kernel-source.js';
import { MAX_POOL_KERNELS } from './max-pool.js';
import { SIGMOID_BCE_KERNELS } from './sigmoid-bce.js';
import { UPSAMPLE_KERNELS } from './upsample.js';

export type { KernelSource } from './kernel-source.js';
export {
  ADAM_KERNELS,
  ADD_KERNELS,
  BATCH_NORM_KERNELS,
  BIAS_KERNELS,
  ELU_KERNELS,
  MAX_POOL_KERNELS,
  SIGMOID_BCE_KERNELS,
  UPSAMPLE_KERNELS,
};

/** Every kernel file the CUDA device compiles. */
export const ALL_KERNEL_SOURCES: readonly KernelSource[] = [
  ELU_KERNELS,
  ADD_KERNELS,
  BIAS_KERNELS,
  BATCH_NORM_KERNELS,
  MAX_POOL_KERNELS,
  UPSAMPLE_KERNELS,
  SIGMOID_BCE_KERNELS,
  ADAM_KERNELS,
];
