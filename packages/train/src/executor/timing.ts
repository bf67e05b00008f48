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
  ): Promise<T> {
    const hook = this.hook;
    if (!hook) return fn();
    const { value, ms } = await this.device.measure(fn);
    hook({ layer, kind, pass, conv, ms });
    return value;
  }
}
