import type { FusedDeviceOps } from './device-fused-ops.js';
import type { AdamOptions, BatchNormOptions, BatchNormSaved } from './op-options.js';
import type { Shape } from './shape.js';
import type { DeviceKind, HostArray, Tensor } from './tensor.js';

export type { AdamOptions, BatchNormOptions, BatchNormSaved } from './op-options.js';
export type { DeviceKind, HostArray, Tensor } from './tensor.js';

/**
 * The non-convolution operations of a training step, forward and backward. Every op allocates its outputs;
 * ops named `...Into` write into an existing tensor. Shapes are NCDHW.
 */
export interface DeviceOps {
  /** Training-mode batch norm with batch statistics; updates runningMean/runningVar in place. */
  batchNormTrain(
    x: Tensor,
    gamma: Tensor,
    beta: Tensor,
    runningMean: Tensor,
    runningVar: Tensor,
    options: BatchNormOptions,
  ): { y: Tensor; saved: BatchNormSaved };
  /** Inference-mode batch norm with running statistics. */
  batchNormInfer(
    x: Tensor,
    gamma: Tensor,
    beta: Tensor,
    runningMean: Tensor,
    runningVar: Tensor,
    eps: number,
  ): Tensor;
  batchNormBackward(
    dy: Tensor,
    x: Tensor,
    gamma: Tensor,
    saved: BatchNormSaved,
  ): { dx: Tensor; dgamma: Tensor; dbeta: Tensor };

  elu(x: Tensor, alpha: number): Tensor;
  /** ELU gradient from the forward *output* y: dy where y > 0, dy·(y + alpha) elsewhere. */
  eluBackward(dy: Tensor, y: Tensor, alpha: number): Tensor;

  add(a: Tensor, b: Tensor): Tensor;
  /** target += source (gradient accumulation). */
  addInto(target: Tensor, source: Tensor): void;

  /** Per-channel bias, broadcast over N, D, H, W: x += bias. */
  biasAddInto(x: Tensor, bias: Tensor): void;
  /** Bias gradient: sum of dy over N, D, H, W. */
  biasGrad(dy: Tensor): Tensor;

  /** 2×2×2 max pool, stride 2; `argmax` holds the winning offset (0..7) inside each window. */
  maxPool2x(x: Tensor): { y: Tensor; argmax: Tensor };
  maxPool2xBackward(dy: Tensor, argmax: Tensor, inputShape: Shape): Tensor;

  /** ×2 trilinear upsampling, align_corners=false (PyTorch nn.Upsample semantics). */
  upsampleTrilinear2x(x: Tensor): Tensor;
  upsampleTrilinear2xBackward(dy: Tensor, inputShape: Shape): Tensor;

  /**
   * Mean sigmoid + binary cross-entropy over the voxels where mask = 1, and its gradient w.r.t. the logits.
   * The loss is returned to the host (one scalar per iteration).
   */
  sigmoidBce(logits: Tensor, target: Tensor, mask: Tensor): { loss: number; dlogits: Tensor };

  /** One Adam step, in place on param, m and v. */
  adamStepInto(param: Tensor, grad: Tensor, m: Tensor, v: Tensor, options: AdamOptions): void;
}

export interface DeviceMemoryStats {
  /** Bytes held by live tensors now, and the most ever held. */
  currentBytes: number;
  peakBytes: number;
  /** Bytes reserved from the system (pools), where the device pools memory. */
  reservedBytes?: number;
}

/** A place where tensors live and the non-convolution ops run. Shared by every conv backend of its kind. */
export interface Device {
  readonly kind: DeviceKind;
  /** Human-readable name for provenance, e.g. "AMD EPYC 7B13 (2 cores)" or "NVIDIA H100 80GB HBM3". */
  readonly name: string;
  readonly ops: DeviceOps;
  /** Fused chains of ops, where this device has them (see FusedDeviceOps); use `ops` when undefined. */
  readonly fused?: FusedDeviceOps;

  /** A tensor with UNINITIALISED contents (may reuse freed storage); use `zeros` where that matters. */
  alloc(shape: Shape): Tensor;
  zeros(shape: Shape): Tensor;
  upload(data: HostArray, shape: Shape): Tensor;
  download(t: Tensor): HostArray;
  free(t: Tensor): void;

  /** Wait for all queued work (no-op on CPU). */
  synchronize(): void;
  /** Run `fn` and time it on the device clock (CUDA events on a GPU, performance.now on CPU), in ms. */
  measure<T>(fn: () => Promise<T> | T): Promise<{ value: T; ms: number }>;
  memoryStats(): DeviceMemoryStats;
  /** Facts for results provenance (driver, runtime versions, cores). */
  describe(): Record<string, string | number>;
  dispose(): void;
}
