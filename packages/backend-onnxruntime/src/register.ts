import { registerBackend } from '@unet3d/core';
import { OrtConvBackend } from './ort-backend.js';

/** Register the onnxruntime CPU backend under 'onnxruntime' (import this module for its side effect). */
registerBackend({
  name: 'onnxruntime',
  deviceKind: 'cpu',
  priority: 10,
  description: 'onnxruntime-node CPU execution provider (fp32), one cached session per workload and pass',
  create: ({ device, mathMode, extra }) =>
    OrtConvBackend.create({
      device,
      mathMode,
      ...(typeof extra?.intraOpNumThreads === 'number' ? { intraOpNumThreads: extra.intraOpNumThreads } : {}),
      ...(typeof extra?.chunkElements === 'number' ? { chunkElements: extra.chunkElements } : {}),
    }),
});
