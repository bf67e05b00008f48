import { DeviceError, errorToOneLine } from '@unet3d/core';

export type CudaModule = typeof import('@unet3d/cuda');

/**
 * The one place the CLI imports @unet3d/cuda (an optional dependency): on demand, never at start-up, so a
 * CPU run never loads it. Written as a literal `import()` so the offline bundler sees it. Throws a
 * DeviceError naming the problem when the package is absent or fails to load.
 */
export async function loadCudaModule(): Promise<CudaModule> {
  try {
    return await import('@unet3d/cuda');
  } catch (err) {
    throw new DeviceError(
      `@unet3d/cuda cannot be loaded: ${errorToOneLine(err)}`,
      'for the GPU backends: npm install @unet3d/cuda @unet3d/backend-cudnn; or use the CPU backend onnxruntime',
    );
  }
}

/**
 * Environment additions for a child process that may open a CUDA device: cuDNN loads its sub-libraries by
 * name, and the loader reads LD_LIBRARY_PATH only at process start, so their folder must be set at spawn.
 * Empty when @unet3d/cuda is absent or the libraries are not found (the row then reports that itself).
 */
export async function cudaChildEnvIfPresent(): Promise<Record<string, string>> {
  try {
    return { ...(await loadCudaModule()).cudaChildEnv() } as Record<string, string>;
  } catch {
    return {};
  }
}
