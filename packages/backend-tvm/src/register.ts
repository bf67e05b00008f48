import { registerBackend } from '@unet3d/core';
import { TvmConvBackend } from './tvm-conv-backend.js';

/** Side effect: registers the `tvm` conv backend (AutoTVM-style tuned generated CUDA kernels). */
registerBackend({
  name: 'tvm',
  deviceKind: 'cuda',
  priority: 90,
  description: 'generated CUDA conv kernels with AutoTVM-style tuned configs (apply history best)',
  create: (options) => TvmConvBackend.create(options),
});
