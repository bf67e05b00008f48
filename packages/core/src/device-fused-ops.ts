import type { AdamOptions, BatchNormOptions, BatchNormSaved } from './op-options.js';
import type { Tensor } from './tensor.js';

/** Parameters of the fused conv-output → (bias) → (+ residual) → batch norm → ELU chain. */
export interface BiasBatchNormEluParams {
  gamma: Tensor;
  beta: Tensor;
  /** Updated in place, as in DeviceOps.batchNormTrain. */
  runningMean: Tensor;
  runningVar: Tensor;
  /** Per-channel conv bias, added into `x` in place first (as DeviceOps.biasAddInto). */
  bias?: Tensor;
  /** Residual / skip summand: z = x (+ bias) + residual, a new tensor (as DeviceOps.add). */
  residual?: Tensor;
}

/**
 * Optional fused chains of the non-convolution ops, so the memory-bound part of an iteration reads each tensor once: each does the work of several DeviceOps in
 * fewer passes over memory and returns what the unfused ops would, to float32 rounding. A device offers
 * them as `Device.fused`; an executor uses them where present and falls back to DeviceOps otherwise.
 * Shapes are NCDHW; per-channel tensors have C elements.
 */
export interface FusedDeviceOps {
  /**
   * Training forward of x → (bias) → (+ residual) → batch norm (batch statistics) → ELU, i.e. the unfused
   * biasAddInto, add, batchNormTrain, elu. Returns the ELU output `y`, the batch-norm input `z` (that is `x`
   * itself, bias added, unless a residual is given; then a new tensor the caller owns) and the statistics
   * batch-norm backward needs. Running statistics are updated in place.
   */
  biasBatchNormEluTrain(
    x: Tensor,
    params: BiasBatchNormEluParams,
    options: BatchNormOptions & { alpha: number },
  ): { y: Tensor; z: Tensor; saved: BatchNormSaved };
  /**
   * Backward of batch norm → ELU from the gradient at the ELU output: eluBackward(dy, y) then
   * batchNormBackward(·, z, gamma, saved). `dz` is the gradient w.r.t. z (w.r.t. x, and w.r.t. the residual).
   */
  batchNormEluBackward(
    dy: Tensor,
    y: Tensor,
    z: Tensor,
    gamma: Tensor,
    saved: BatchNormSaved,
    alpha: number,
  ): { dz: Tensor; dgamma: Tensor; dbeta: Tensor };
  /** y = ELU(x + bias[c]) for a biased conv followed by ELU; `x` is left unchanged. */
  biasElu(x: Tensor, bias: Tensor, alpha: number): Tensor;
  /** dx = eluBackward(dy, y, alpha) and the bias gradient Σ dx over N, D, H, W (biasGrad) in one pass. */
  eluBackwardBiasGrad(dy: Tensor, y: Tensor, alpha: number): { dx: Tensor; dbias: Tensor };
  /** One Adam step over every parameter (params[i] with grads[i], m[i], v[i]), as adamStepInto on each. */
  adamStepAll(
    params: readonly Tensor[],
    grads: readonly Tensor[],
    m: readonly Tensor[],
    v: readonly Tensor[],
    options: AdamOptions,
  ): void;
}
