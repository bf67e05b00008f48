import type { ConvPass } from '@unet3d/core';
import type { DeviceInfo } from '@unet3d/results';

/** Analytic work of one conv layer in one pass. */
export interface ConvPassCount {
  readonly layer: string;
  readonly pass: ConvPass;
  readonly macs: number;
  /** Minimum bytes moved (inputs + weights + outputs), or null when unknown. */
  readonly bytes: number | null;
}

export interface NetworkQuery {
  readonly model: string;
  readonly channels: readonly number[];
  readonly strided: boolean;
  readonly patch: readonly [number, number, number];
  readonly batch: number;
  /** Sets the storage width of the byte counts (bf16 → 2 bytes, else 4). */
  readonly precision: 'fp32' | 'tf32' | 'bf16';
}

/** A device's roof: peak FLOP/s (1 MAC = 2 FLOP) for the run's precision and memory bandwidth. */
export interface DeviceRoof {
  readonly id: string;
  readonly name: string;
  readonly peakFlopPerSecond: number;
  readonly bandwidthBytesPerSecond: number;
  /** How the profile was chosen (named in the results file, or matched by device name). */
  readonly matchedBy: string;
}

/**
 * Where the report gets counts that are not measurements: per-layer conv MACs and bytes of a network, the
 * ResNet-50 layer list, and device roofs. Every method may return null (then the report falls back to the
 * counts stored in the results file, or leaves the figure out and says so).
 */
export interface AnalyticSource {
  /** Named in the report, e.g. "@unet3d/flops 0.1.0". */
  readonly description: string;
  /** Conv layers of a network in execution (forward) order, three passes each. */
  convCounts(query: NetworkQuery): readonly ConvPassCount[] | null;
  /** ResNet-50 (224×224, batch 1) forward MACs per conv layer, in order. */
  resnet50Forward(): readonly { layer: string; macs: number }[] | null;
  deviceRoof(device: DeviceInfo, precision: 'fp32' | 'tf32' | 'bf16'): DeviceRoof | null;
}

/** An AnalyticSource that knows nothing: the report uses the results file's own counts. */
export const NO_ANALYTIC: AnalyticSource = {
  description: 'none (counts from the results file)',
  convCounts: () => null,
  resnet50Forward: () => null,
  deviceRoof: () => null,
};
