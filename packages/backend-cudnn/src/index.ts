/** @unet3d/backend-cudnn: convolutions on cuDNN 9. Side-effect free; `register.ts` registers the backend. */
export { algoName } from './algo-names.js';
export { type CudnnConvCall, type CudnnOp, cudnnConvCall, planKey } from './conv-call.js';
export { CudnnBackend, type CudnnBackendOptions } from './cudnn-backend.js';
export { type CudnnMathSetting, cudnnMathSetting } from './math-mode.js';
export { cudnnRegistration } from './registration.js';
