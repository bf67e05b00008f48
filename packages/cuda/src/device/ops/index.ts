import type { DeviceOps } from '@unet3d/core';
import { createBatchNormOps } from './batch-norm-ops.js';
import { createElementwiseOps } from './elementwise-ops.js';
import { createLossAdamOps } from './loss-adam-ops.js';
import type { CudaOpsEnv } from './ops-env.js';
import { createSpatialOps } from './spatial-ops.js';

export type { CudaOpsEnv } from './ops-env.js';

/** Every DeviceOps op as NVRTC kernels queued on the device's stream. */
export function createCudaOps(env: CudaOpsEnv): DeviceOps {
  return {
    ...createBatchNormOps(env),
    ...createElementwiseOps(env),
    ...createSpatialOps(env),
    ...createLossAdamOps(env),
  };
}
