/**
 * @unet3d/cuda: the CUDA driver, NVRTC and cuDNN bound at run time through koffi, and the CUDA Device.
 * Importing this module has no side effects and never touches a library; loading happens in
 * CudaDevice.create(), new Cudnn(...), cudaAvailability().
 */
export { type CudaAvailability, cudaAvailability } from './availability.js';
export { ALGO_PERF_BYTES, type AlgoPerf, chooseAlgo, decodeAlgoPerfs } from './cudnn/algo-perf.js';
export { Cudnn, packedStrides } from './cudnn/cudnn.js';
export { CUDNN_MATH, CUDNN_MATH_NAMES, formatCudnnVersion } from './cudnn/cudnn-api.js';
export { CudaDevice, type CudaDeviceOptions } from './device/cuda-device.js';
export { asCuda, CudaTensor } from './device/cuda-tensor.js';
export { ALL_KERNEL_SOURCES, type KernelSource } from './device/kernels/index.js';
export { CudaCallError } from './driver/cuda-error.js';
export { CudaDriver, formatCudaVersion } from './driver/driver.js';
export { type ChildEnvOptions, cudaChildEnv } from './library/child-env.js';
export {
  findCudaIncludeDir,
  type LibraryCandidate,
  type LibrarySearchPlan,
  NVRTC_REQUIRED_HEADER,
  NVRTC_REQUIRED_HEADERS,
  planLibrarySearch,
  pythonPrefixes,
} from './library/library-finder.js';
export { type LibraryLocations, type LoadedLibrary, loadLibrary } from './library/library-loader.js';
export {
  CUDA_DRIVER_LIBRARY,
  CUDNN_LIBRARY,
  type LibraryId,
  type LibrarySpec,
  NVRTC_LIBRARY,
} from './library/library-specs.js';
export { createSystemProbe, type SystemProbe } from './library/system-probe.js';
export {
  type AllocatorStats,
  type BackingAllocator,
  bucketSize,
  PooledAllocator,
} from './memory/allocator.js';
export { CompileCache, compileCacheKey } from './nvrtc/compile-cache.js';
export { type CompileResult, NvrtcCompileError, NvrtcCompiler } from './nvrtc/compiler.js';
export { CudaContext } from './runtime/context.js';
export { arg, type KernelArg, packKernelArgs } from './runtime/kernel-args.js';
export { channelReduceLaunch, elementwiseLaunch, type LaunchDims } from './runtime/launch-geometry.js';
export { type CudaFunction, CudaProgram } from './runtime/program.js';
