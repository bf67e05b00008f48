import {
  type BackendCreateOptions,
  ConfigError,
  type ConvPass,
  type ConvWorkload,
  type MathMode,
  type Tensor,
} from '@unet3d/core';
import { asCpu, CpuDevice } from '@unet3d/cpu';
import { buildSharedObject, detectCpuFeatures, findCompiler, loadLibrary } from '@unet3d/native';
import { AppliedHistoryBackend, tuningLogsFromExtra } from './applied-history-backend.js';
import { defaultConfig } from './autotvm/default-config.js';
import { ApplyHistoryBest, type ChosenConfig } from './autotvm/history-best.js';
import type { TargetSpec } from './autotvm/target.js';
import { createTask, kernelName, type TuningTask } from './autotvm/task.js';
import { type ConfigSources, configSources } from './config-sources.js';
import { cpuLimitsFromFeatures, cpuTarget } from './targets/cpu/cpu-target.js';
import type { CpuKernelSource, CpuLimits } from './targets/cpu/cpu-template.js';
import { tuningFromLogs, tuningLogsOf } from './targets/cpu/cpu-tuning-logs.js';
import { kernelOperands } from './templates/problem.js';

export interface TvmCpuBackendOptions {
  /** Tuning logs to apply (apply-history-best); none means fallback configs everywhere. */
  tuningLogs: readonly string[];
  /**
   * The identity (slug) whose logs `tuningLogs` are when it is not this CPU's (`--tuning-from`): recorded in
   * describe() as where the configs were transferred from.
   */
  tuningFrom?: string;
  /** Shared-object cache folder (default: @unet3d/native's). */
  cacheDir?: string;
  warn?: (message: string) => void;
}

interface Prepared {
  task: TuningTask<CpuKernelSource>;
  chosen: ChosenConfig;
  kernel: CpuKernelSource;
  run: (a: Float32Array, b: Float32Array, c: Float32Array) => void;
  release: () => void;
}

/**
 * The tuning logs of this CPU's identity: `<resultsRoot>/tuning/<identity slug>/*.jsonl` (the slug after any
 * UNET3D_CPU_FEATURES override). Never another identity's: those are applied only when named (tuningFrom).
 */
export function cpuTuningLogs(resultsRoot = 'results', slug = detectCpuFeatures().slug): string[] {
  return tuningLogsOf(resultsRoot, slug);
}

/**
 * Options from the registry's `extra`: `{ tuningLog: path | paths }` applies those logs; `{ results: root,
 * tuningFrom: slug }` the logs of that identity (`--tuning-from`; ConfigError when it has none); `{ results }`
 * this CPU's identity's logs.
 */
export function tvmCpuOptionsFromExtra(extra: Record<string, unknown> | undefined): TvmCpuBackendOptions {
  const named = tuningLogsFromExtra(extra, 'tvm-cpu');
  if (named) return { tuningLogs: named };
  const root = typeof extra?.['results'] === 'string' ? extra['results'] : 'results';
  const from = extra?.['tuningFrom'];
  if (from !== undefined) {
    if (typeof from !== 'string' || from === '')
      throw new ConfigError(
        'tvm-cpu backend: tuningFrom must be an identity slug such as cpu-amd-zen4-avx512-2c',
      );
    return { tuningLogs: tuningFromLogs(root, from), tuningFrom: from };
  }
  return { tuningLogs: cpuTuningLogs(root) };
}

/**
 * Conv backend running generated C kernels on the CPU device with the best tuned config per
 * workload|pass (AutoTVM's apply-history-best over this CPU's tuning logs), or the template's fallback config
 * where the logs have none. NCDHW float32 tensors in and out; kernels re-layout internally (padding, phase
 * planes). Kernels are built once per workload and pass (disk-cached shared objects) and run in-process.
 */
export class TvmCpuConvBackend extends AppliedHistoryBackend<Prepared> {
  readonly name = 'tvm-cpu';

  private constructor(
    readonly device: CpuDevice,
    readonly mathMode: MathMode,
    private readonly target: TargetSpec<CpuLimits, CpuKernelSource>,
    private readonly history: ApplyHistoryBest,
    private readonly options: TvmCpuBackendOptions,
  ) {
    super();
  }

  static async create(
    create: BackendCreateOptions,
    options?: TvmCpuBackendOptions,
  ): Promise<TvmCpuConvBackend> {
    if (!(create.device instanceof CpuDevice)) {
      throw new ConfigError(
        `the tvm-cpu backend runs on the CPU device, got a '${create.device.kind}' device`,
        'create it with a CpuDevice from @unet3d/cpu',
      );
    }
    if (create.device.precision !== 'float32') {
      throw new ConfigError('the tvm-cpu backend needs a float32 CPU device', 'use the default CpuDevice');
    }
    // Generated kernels need the C compiler: without one the backend cannot be created (one line naming why),
    // so a row's candidate list falls through to the next backend instead of failing at its first kernel.
    findCompiler();
    if (create.mathMode !== 'fp32') {
      throw new ConfigError(
        `the tvm-cpu backend supports math mode 'fp32' only, got '${create.mathMode}'`,
        'use --math fp32',
      );
    }
    const opts = options ?? tvmCpuOptionsFromExtra(create.extra);
    const target = cpuTarget(cpuLimitsFromFeatures(detectCpuFeatures()));
    const history = ApplyHistoryBest.fromLogs(opts.tuningLogs, opts.warn);
    return new TvmCpuConvBackend(create.device, create.mathMode, target, history, opts);
  }

  describe(): Record<string, unknown> {
    return {
      backend: 'tvm-cpu',
      mathMode: this.mathMode,
      limits: this.target.limits,
      tuningLogs: this.options.tuningLogs,
      tunedTasks: this.history.size,
      configSources: this.configSources(),
      configs: this.chosenConfigs(),
    };
  }

  /** Per prepared task: tuned here, transferred from another identity's log, or the fallback. */
  configSources(): ConfigSources {
    const applied = [...this.prepared.entries()].map(([id, p]) => ({
      id,
      chosen: p.chosen,
      fallbackIndex: () => defaultConfig(p.task).index,
    }));
    return configSources(applied, detectCpuFeatures().slug, this.options.tuningFrom ?? null);
  }

  async dispose(): Promise<void> {
    for (const p of this.prepared.values()) p.release();
    this.prepared.clear();
  }

  protected async kernelFor(workload: ConvWorkload, pass: ConvPass): Promise<Prepared> {
    const task = createTask(workload, pass, this.mathMode, this.target);
    const have = this.prepared.get(task.id);
    if (have) return have;
    const chosen = this.history.query(task);
    const kernel = task.template.generate(
      task.problem,
      task.precision,
      chosen.values,
      kernelName(task, chosen.index),
    );
    const built = await buildSharedObject(
      { name: kernel.name, source: kernel.source, flags: [...kernel.flags], openmp: true },
      this.options.cacheDir ? { cacheDir: this.options.cacheDir } : {},
    );
    const lib = loadLibrary(built.path);
    const fn = lib.func(`void ${kernel.name}(const float* A, const float* B, float* C)`);
    const rel = lib.func(`void ${kernel.name}_release(void)`);
    const p: Prepared = {
      task,
      chosen,
      kernel,
      run: (a, b, c) => fn(a, b, c),
      // The shared object stays loaded: unloading code that OpenMP's thread pool has run is not safe.
      release: () => rel(),
    };
    this.prepared.set(task.id, p);
    return p;
  }

  protected async run(
    workload: ConvWorkload,
    pass: ConvPass,
    first: Tensor,
    second: Tensor,
    outShape: readonly number[],
  ): Promise<Tensor> {
    const p = await this.kernelFor(workload, pass);
    const [a, b] = kernelOperands(p.task.problem, workload.spec.transposed, first, second);
    const out = this.device.alloc(outShape);
    p.run(asCpu(a).data as Float32Array, asCpu(b).data as Float32Array, out.data as Float32Array);
    return out;
  }
}
