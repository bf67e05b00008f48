import { ConfigError, type Device, type Tensor } from '@unet3d/core';
import type { NamedTensor } from './parameters.js';

export interface AdamConfig {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
}

/** PyTorch's Adam defaults, with the paper-style learning rate 1e-3. */
export const DEFAULT_ADAM: AdamConfig = { lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8 };

export function adamConfig(init: Partial<AdamConfig> = {}): AdamConfig {
  const cfg = { ...DEFAULT_ADAM, ...init };
  if (!(cfg.lr > 0) || !Number.isFinite(cfg.lr)) throw new ConfigError(`Adam lr must be > 0, got ${cfg.lr}`);
  for (const k of ['beta1', 'beta2'] as const) {
    if (!(cfg[k] >= 0 && cfg[k] < 1)) throw new ConfigError(`Adam ${k} must be in [0, 1), got ${cfg[k]}`);
  }
  if (!(cfg.eps > 0)) throw new ConfigError(`Adam eps must be > 0, got ${cfg.eps}`);
  return cfg;
}

/** Adam state per parameter: first and second moments (m, v), named `adam.m/<param>` and `adam.v/<param>`. */
export class Adam {
  readonly config: AdamConfig;
  /** Number of steps taken (PyTorch's `step`, used for bias correction). */
  step = 0;
  readonly moments = new Map<string, { m: NamedTensor; v: NamedTensor }>();

  constructor(
    private readonly device: Device,
    params: readonly NamedTensor[],
    config: AdamConfig,
  ) {
    this.config = config;
    for (const p of params) {
      this.moments.set(p.name, {
        m: { name: `adam.m/${p.name}`, shape: p.shape, tensor: device.zeros(p.shape) },
        v: { name: `adam.v/${p.name}`, shape: p.shape, tensor: device.zeros(p.shape) },
      });
    }
  }

  /**
   * One update of every parameter that has a gradient (a parameter without one is skipped, as in PyTorch):
   * one FusedDeviceOps `adamStepAll` call over all of them where the device has it (and `fused` is not
   * false), else `adamStepInto` per parameter.
   */
  apply(params: readonly NamedTensor[], grads: ReadonlyMap<string, Tensor>, fused = true): void {
    this.step += 1;
    const options = { ...this.config, step: this.step };
    const ps: Tensor[] = [];
    const gs: Tensor[] = [];
    const ms: Tensor[] = [];
    const vs: Tensor[] = [];
    for (const p of params) {
      const g = grads.get(p.name);
      const mv = this.moments.get(p.name);
      if (!g || !mv) continue;
      ps.push(p.tensor);
      gs.push(g);
      ms.push(mv.m.tensor);
      vs.push(mv.v.tensor);
    }
    const all = fused ? this.device.fused : undefined;
    if (all) {
      all.adamStepAll(ps, gs, ms, vs, options);
      return;
    }
    for (let i = 0; i < ps.length; i++) this.device.ops.adamStepInto(ps[i]!, gs[i]!, ms[i]!, vs[i]!, options);
  }

  /** All moment tensors, m then v per parameter. */
  all(): NamedTensor[] {
    return [...this.moments.values()].flatMap(({ m, v }) => [m, v]);
  }

  dispose(): void {
    for (const t of this.all()) this.device.free(t.tensor);
  }
}
