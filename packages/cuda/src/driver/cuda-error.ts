import { DeviceError } from '@unet3d/core';

/** A CUDA driver, NVRTC or cuDNN call returned an error code. `codeName` is e.g. CUDA_ERROR_OUT_OF_MEMORY. */
export class CudaCallError extends DeviceError {
  readonly call: string;
  readonly status: number;
  readonly codeName: string;
  constructor(
    library: string,
    call: string,
    status: number,
    codeName: string,
    detail?: string,
    hint?: string,
  ) {
    super(`${library} call ${call} failed: ${codeName} (${status})${detail ? `: ${detail}` : ''}`, hint);
    this.call = call;
    this.status = status;
    this.codeName = codeName;
  }
}

/** Hints for the errors a user can act on. */
export function hintForCudaError(codeName: string): string | undefined {
  switch (codeName) {
    case 'CUDA_ERROR_OUT_OF_MEMORY':
      return 'use a smaller patch or batch, or free other GPU processes (nvidia-smi)';
    case 'CUDA_ERROR_NO_DEVICE':
      return 'no GPU is visible: check nvidia-smi and CUDA_VISIBLE_DEVICES';
    case 'CUDA_ERROR_INSUFFICIENT_DRIVER':
    case 'CUDA_ERROR_COMPAT_NOT_SUPPORTED_ON_DEVICE':
      return 'the NVIDIA driver is older than the CUDA version in use: update the driver';
    case 'CUDA_ERROR_STUB_LIBRARY':
      return 'the toolkit stub libcuda.so was loaded: point UNET3D_CUDA_LIB_DIR to the driver folder instead';
    case 'CUDA_ERROR_NO_BINARY_FOR_GPU':
    case 'CUDA_ERROR_UNSUPPORTED_PTX_VERSION':
      return 'the kernel was compiled for another architecture: clear the NVRTC cache folder';
    default:
      return undefined;
  }
}
