import type { Device } from '@unet3d/core';
import type { LayerKind } from '@unet3d/model';

export type TimingPass = 'forward' | 'backwardData' | 'backwardFilter' | 'backward';

/**
 * One timed operation of a training step. `conv` is true for the convolution itself (the part a conv backend
 * runs); a conv layer's bias add/gradient is reported separately with `conv: false`. The loss and the
 * optimizer are reported under the pseudo-layers `(loss)` and `(adam)`.
 */
export interface LayerTiming {
  layer: string;
  kind: LayerKind | 'loss' | 'adam';
  pass: TimingPass;
  conv: boolean;
  ms: number;
  /**
   * Set when this entry is one fused device call (FusedDeviceOps) covering several layers: their names, in
   * order (e.g. ['enc0.res', 'enc0.bn3', 'enc0.elu3']). The entry is recorded under `layer`, the chain's
   * batch norm (or its conv for a bias-ELU chain); the other covered layers get no entry of their own.
   */
  fused?: readonly string[];
}

export type TimingHook = (timing: LayerTiming) => void;

/** Times an operation with device.measure when a hook is set; otherwise runs it with no extra syncs. */
export class Timer {
  hook: TimingHook | undefined;
  constructor(
    private readonly device: Device,
    hook?: TimingHook,
  ) {
    this.hook = hook;
  }

  async run<T>(
    layer: string,
    kind: LayerTiming['kind'],
    pass: TimingPass,
    conv: boolean,
    fn: () => Promise<T> | T,
    fused?: readonly string[],
  ): Promise<T> {
    const hook = this.hook;
    if (!hook) return fn();
    const { value, ms } = await this.device.measure(fn);
    hook(fused ? { layer, kind, pass, conv, ms, fused } : { layer, kind, pass, conv, ms });
    return value;
  }
}
