import { layerCost } from '@unet3d/flops';
import type { Network } from '@unet3d/model';
import { type PassKind, type PerLayerTiming, perLayerTiming } from '@unet3d/results';
import type { LayerTiming } from '@unet3d/train';

/**
 * Collects per-layer timings over profiled iterations. Conv passes keep their own entries (forward,
 * backwardData, backwardFilter); everything else a layer does in one iteration (its non-conv op forward and
 * backward, a conv's bias) is summed into one 'other' entry per layer and iteration.
 */
export class PerLayerProfile {
  private readonly samples = new Map<string, number[]>();
  private current = new Map<string, number>();
  private readonly macs = new Map<string, number>();

  constructor(network: Network) {
    for (const layer of network.layers) {
      const cost = layerCost(layer).cost;
      if (layer.kind === 'conv') {
        this.macs.set(`${layer.name}\u0000forward`, cost.forward.macs);
        this.macs.set(`${layer.name}\u0000backwardData`, cost.backwardData.macs);
        this.macs.set(`${layer.name}\u0000backwardFilter`, cost.backwardFilter.macs);
      }
    }
  }

  /** The hook to hand to the trainer. */
  readonly hook = (t: LayerTiming): void => {
    const pass: PassKind = t.conv && t.pass !== 'backward' ? t.pass : 'other';
    const key = `${t.layer}\u0000${pass}`;
    this.current.set(key, (this.current.get(key) ?? 0) + t.ms);
  };

  /** Close one profiled iteration. */
  endIteration(): void {
    for (const [key, ms] of this.current) {
      const list = this.samples.get(key) ?? [];
      list.push(ms);
      this.samples.set(key, list);
    }
    this.current = new Map();
  }

  entries(): PerLayerTiming[] {
    return [...this.samples].map(([key, samples]) => {
      const [layer, pass] = key.split('\u0000') as [string, PassKind];
      return perLayerTiming(layer, pass, samples, this.macs.get(key) ?? 0);
    });
  }
}
