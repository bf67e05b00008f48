import { registerBackend } from '@unet3d/core';

/**
 * Side effect: registers the `tvm` conv backend (AutoTVM-style tuned generated CUDA kernels) and `tvm-cpu`
 * (tuned generated C kernels on the CPU). Each implementation is imported only when created, so CPU users
 * never load the CUDA stack and CUDA users never load the C build layer.
 */
registerBackend({
  name: 'tvm',
  deviceKind: 'cuda',
  priority: 90,
  description: 'generated CUDA conv kernels with AutoTVM-style tuned configs (apply history best)',
  create: async (options) => (await import('./tvm-conv-backend.js')).TvmConvBackend.create(options),
});

registerBackend({
  name: 'tvm-cpu',
  deviceKind: 'cpu',
  priority: 5,
  description:
    'generated C conv kernels (OpenMP, SIMD) with AutoTVM-style tuned configs (apply history best)',
  create: async (options) => (await import('./tvm-cpu-backend.js')).TvmCpuConvBackend.create(options),
});
