import type { BackendRegistration } from '@unet3d/core';
import { CudnnBackend, type CudnnBackendOptions } from './cudnn-backend.js';

/** The registry entry: name 'cudnn', on the CUDA device, preferred (priority 100) when available. */
export const cudnnRegistration: BackendRegistration = {
  name: 'cudnn',
  deviceKind: 'cuda',
  priority: 100,
  description:
    'cuDNN 9 convolutions; algorithm per workload measured with cudnnFind*AlgorithmEx (fp32: FMA math, tf32)',
  create: (options) =>
    CudnnBackend.create({
      ...options,
      cudnn: (options.extra?.['cudnn'] as CudnnBackendOptions | undefined) ?? {},
    }),
};
