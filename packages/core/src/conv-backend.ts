import type { ConvPass, ConvWorkload } from './conv-workload.js';
import type { Device, Tensor } from './device.js';

/**
 * Math mode of a convolution backend: `fp32` (no tensor cores: what the paper measured), `tf32`, `bf16`.
 * A backend that cannot honour a mode must refuse it at creation.
 */
export type MathMode = 'fp32' | 'tf32' | 'bf16';
export const MATH_MODES: readonly MathMode[] = ['fp32', 'tf32', 'bf16'];

/**
 * The one interface that is swapped between implementations (as in the paper: only convolutions change).
 * All tensors live on `device`. Each call allocates and returns its result; the caller frees it.
 *   forward:        y  = conv(x, W)
 *   backwardData:   dx = ∂L/∂x given dy and W
 *   backwardFilter: dW = ∂L/∂W given x and dy
 */
export interface ConvBackend {
  readonly name: string;
  readonly device: Device;
  readonly mathMode: MathMode;
  /** Do per-workload set-up (sessions, algorithm search, kernel compile) ahead of timing. Optional. */
  prepare?(workload: ConvWorkload, passes: readonly ConvPass[]): Promise<void>;
  forward(workload: ConvWorkload, x: Tensor, weight: Tensor): Promise<Tensor>;
  backwardData(workload: ConvWorkload, dy: Tensor, weight: Tensor): Promise<Tensor>;
  backwardFilter(workload: ConvWorkload, x: Tensor, dy: Tensor): Promise<Tensor>;
  /** Facts for results provenance (library versions, algorithm choices). */
  describe(): Record<string, unknown>;
  dispose(): Promise<void>;
}
