import { ConfigError, type MathMode } from '@unet3d/core';
import { CUDNN_MATH } from '@unet3d/cuda';

export interface CudnnMathSetting {
  /** cudnnMathType_t set on every convolution descriptor. */
  readonly mathType: number;
  /** Whether an algorithm reporting tensor-op math may be chosen. */
  readonly allowTensorOps: boolean;
}

/**
 * fp32: CUDNN_FMA_MATH, no tensor cores (what the paper measured; PyTorch with allow_tf32=False).
 * tf32: CUDNN_DEFAULT_MATH, which lets cuDNN use TF32 tensor cores on Ampere and later (PyTorch's choice
 * when allow_tf32=True). bf16 needs bf16 tensors and is refused.
 */
export function cudnnMathSetting(mode: MathMode): CudnnMathSetting {
  switch (mode) {
    case 'fp32':
      return { mathType: CUDNN_MATH.FMA, allowTensorOps: false };
    case 'tf32':
      return { mathType: CUDNN_MATH.DEFAULT, allowTensorOps: true };
    case 'bf16':
      throw new ConfigError(
        "the cudnn backend does not implement math mode 'bf16' (the CUDA device holds float32 tensors)",
        'use --math fp32 or --math tf32',
      );
    default:
      throw new ConfigError(`unknown math mode '${String(mode)}'`, 'use fp32 or tf32');
  }
}
