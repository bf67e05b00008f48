import {
  ConfigError,
  type ConvBackend,
  type ConvPass,
  type ConvWorkload,
  convOutputShape,
  convWeightShape,
  type Device,
  type MathMode,
  type Shape,
  type Tensor,
} from '@unet3d/core';
import type { ChosenConfig } from './autotvm/history-best.js';

/** What an apply-history-best backend keeps per task (workload × pass × precision): the config it chose. */
export interface PreparedKernel {
  readonly task: { readonly template: { readonly name: string } };
  readonly chosen: ChosenConfig;
}

/**
 * The part of the `tvm` (CUDA) and `tvm-cpu` backends that does not depend on the target: the three conv
 * passes as kernel launches (forward → output shape, backward-data → input shape, backward-filter → weight
 * shape; NCDHW), per-workload preparation, and the chosen configs for results provenance. A subclass builds
 * and runs a target's kernel (`kernelFor`, `run`).
 */
export abstract class AppliedHistoryBackend<P extends PreparedKernel> implements ConvBackend {
  abstract readonly name: string;
  abstract readonly device: Device;
  abstract readonly mathMode: MathMode;
  /** Prepared kernels by task id. */
  protected readonly prepared = new Map<string, P>();

  /** The kernel for one task: the best tuned config from the logs, else the template's fallback config. */
  protected abstract kernelFor(workload: ConvWorkload, pass: ConvPass): Promise<P>;
  /** Run `pass` of `workload` on operands `a`, `b`, returning a new tensor of `outShape`. */
  protected abstract run(
    workload: ConvWorkload,
    pass: ConvPass,
    a: Tensor,
    b: Tensor,
    outShape: Shape,
  ): Promise<Tensor>;
  abstract describe(): Record<string, unknown>;
  abstract dispose(): Promise<void>;

  async prepare(workload: ConvWorkload, passes: readonly ConvPass[]): Promise<void> {
    for (const pass of passes) await this.kernelFor(workload, pass);
  }

  async forward(workload: ConvWorkload, x: Tensor, weight: Tensor): Promise<Tensor> {
    return this.run(workload, 'forward', x, weight, convOutputShape(workload));
  }

  async backwardData(workload: ConvWorkload, dy: Tensor, weight: Tensor): Promise<Tensor> {
    return this.run(workload, 'backwardData', dy, weight, workload.input);
  }

  async backwardFilter(workload: ConvWorkload, x: Tensor, dy: Tensor): Promise<Tensor> {
    return this.run(workload, 'backwardFilter', x, dy, convWeightShape(workload));
  }

  /** The config applied to each prepared task (source: tuned record or fallback), for describe(). */
  protected chosenConfigs(): Record<string, unknown> {
    const configs: Record<string, unknown> = {};
    for (const [id, p] of this.prepared) {
      configs[id] = {
        source: p.chosen.source,
        ...(p.chosen.measuredOn !== undefined ? { measuredOn: p.chosen.measuredOn } : {}),
        index: p.chosen.index,
        knobs: p.chosen.values,
        template: p.task.template.name,
      };
    }
    return configs;
  }
}

/**
 * The tuning logs named in a registry `extra` (`{ tuningLog: path | paths }`, or `tuningLogs`): undefined when
 * none is named. Throws a one-line ConfigError naming `backend` when the value is not a path or list of paths.
 */
export function tuningLogsFromExtra(
  extra: Record<string, unknown> | undefined,
  backend: string,
): string[] | undefined {
  const raw = extra?.['tuningLog'] ?? extra?.['tuningLogs'];
  if (raw === undefined) return undefined;
  const logs = Array.isArray(raw) ? raw : [raw];
  if (!logs.every((l): l is string => typeof l === 'string')) {
    throw new ConfigError(`${backend} backend: tuningLog must be a path or a list of paths`);
  }
  return logs;
}
