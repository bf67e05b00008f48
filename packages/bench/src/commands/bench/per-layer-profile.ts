import { adamStepBytes, layerCost, lossCallBytes, nonConvLayerBytes } from '@unet3d/flops';
import type { Layer, Network } from '@unet3d/model';
import { type PassKind, type PerLayerTiming, perLayerTiming } from '@unet3d/results';
import type { LayerTiming } from '@unet3d/train';

/**
 * Collects per-layer timings over profiled iterations. Conv passes keep their own entries (forward,
 * backwardData, backwardFilter); everything else a layer does in one iteration (its non-conv op forward and
 * backward, a conv's bias) is summed into one 'other' entry per layer and iteration, with the fewest bytes
 * those calls move (`@unet3d/flops`) and, for fused device calls, the layers they cover.
 */
export class PerLayerProfile {
  private readonly samples = new Map<string, number[]>();
  private current = new Map<string, number>();
  private readonly macs = new Map<string, number>();
  private readonly layers = new Map<string, Layer>();
  private readonly outputElements: number;
  /** Fewest bytes per 'other' entry and iteration (the last iteration's; the same every iteration). */
  private readonly bytes = new Map<string, number>();
  private currentBytes = new Map<string, number>();
  private readonly fused = new Map<string, Set<string>>();
  /** Layers whose non-conv ops each 'other' entry timed (its own, plus those of fused calls). */
  private readonly covered = new Map<string, Set<string>>();

  /** Trainable parameters of the network (what one Adam step updates). */
  private readonly parameterCount: number;

  constructor(network: Network) {
    let params = 0;
    for (const layer of network.layers) {
      this.layers.set(layer.name, layer);
      const cost = layerCost(layer).cost;
      params += cost.params;
      if (layer.kind === 'conv') {
        this.macs.set(`${layer.name}\u0000forward`, cost.forward.macs);
        this.macs.set(`${layer.name}\u0000backwardData`, cost.backwardData.macs);
        this.macs.set(`${layer.name}\u0000backwardFilter`, cost.backwardFilter.macs);
      }
    }
    this.parameterCount = params;
    this.outputElements = network.layers.at(-1)?.outputShape.reduce((a, b) => a * b, 1) ?? 0;
  }

  private callBytes(t: LayerTiming): number | undefined {
    if (t.kind === 'loss') return lossCallBytes(this.outputElements);
    if (t.kind === 'adam') return this.parameterCount > 0 ? adamStepBytes(this.parameterCount) : undefined;
    let sum = 0;
    for (const name of t.fused ?? [t.layer]) {
      const layer = this.layers.get(name);
      if (!layer) return undefined;
      sum += nonConvLayerBytes(layer, t.pass === 'forward' ? 'forward' : 'backward');
    }
    return sum;
  }

  /** 'loss', 'adam', or the covered layers' kinds in layer order joined with '+' (a conv's bias: 'bias'). */
  private opKind(layer: string, key: string): string | undefined {
    if (layer === '(loss)') return 'loss';
    if (layer === '(adam)') return 'adam';
    const covered = this.covered.get(key);
    if (!covered) return undefined;
    const order = [...this.layers.keys()];
    return [...covered]
      .sort((a, b) => order.indexOf(a) - order.indexOf(b))
      .map((n) => {
        const kind = this.layers.get(n)?.kind;
        return kind === 'conv' ? 'bias' : kind;
      })
      .join('+');
  }

  /** The hook to hand to the trainer. */
  readonly hook = (t: LayerTiming): void => {
    const pass: PassKind = t.conv && t.pass !== 'backward' ? t.pass : 'other';
    const key = `${t.layer}\u0000${pass}`;
    this.current.set(key, (this.current.get(key) ?? 0) + t.ms);
    if (pass !== 'other') return;
    const covered = this.covered.get(key) ?? new Set();
    for (const name of t.fused ?? [t.layer]) covered.add(name);
    this.covered.set(key, covered);
    const bytes = this.callBytes(t);
    if (bytes !== undefined) this.currentBytes.set(key, (this.currentBytes.get(key) ?? 0) + bytes);
    if (t.fused) {
      const set = this.fused.get(key) ?? new Set();
      for (const name of t.fused) set.add(name);
      this.fused.set(key, set);
    }
  };

  /** Close one profiled iteration. */
  endIteration(): void {
    for (const [key, ms] of this.current) {
      const list = this.samples.get(key) ?? [];
      list.push(ms);
      this.samples.set(key, list);
    }
    for (const [key, bytes] of this.currentBytes) this.bytes.set(key, bytes);
    this.current = new Map();
    this.currentBytes = new Map();
  }

  entries(): PerLayerTiming[] {
    return [...this.samples].map(([key, samples]) => {
      const [layer, pass] = key.split('\u0000') as [string, PassKind];
      const fused = this.fused.get(key);
      return perLayerTiming(
        layer,
        pass,
        samples,
        this.macs.get(key) ?? 0,
        this.bytes.get(key),
        fused ? [...fused] : undefined,
        this.opKind(layer, key),
      );
    });
  }
}
