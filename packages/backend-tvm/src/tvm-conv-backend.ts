import {
  type BackendCreateOptions,
  ConfigError,
  type ConvPass,
  type ConvWorkload,
  type Device,
  type MathMode,
  type Tensor,
} from '@unet3d/core';
import { type GpuIdentity, gpuIdentityFromDetails } from '@unet3d/results';
import { AppliedHistoryBackend, tuningLogsFromExtra } from './applied-history-backend.js';
import { ApplyHistoryBest, type ChosenConfig } from './autotvm/history-best.js';
import { createTask, kernelName, type TuningTask } from './autotvm/task.js';
import { type CudaKernelRuntime, createCudaKernelRuntime } from './targets/cuda/cuda-runtime.js';
import { cudaTarget } from './targets/cuda/cuda-target.js';
import { cudaTuningLogs } from './targets/cuda/cuda-tuning-logs.js';
import type { LoadedKernel } from './targets/cuda/kernel-interfaces.js';
import { kernelOperands } from './templates/problem.js';
import type { DeviceLimits, KernelSource } from './templates/template.js';

export interface TvmBackendOptions {
  /** Tuning logs (or best-record files) to apply; none means default configs everywhere. */
  tuningLogs: readonly string[];
  warn?: (message: string) => void;
}

interface Prepared {
  task: TuningTask<KernelSource>;
  chosen: ChosenConfig;
  kernel: KernelSource;
  loaded: LoadedKernel;
}

/**
 * Backend options from the registry's `extra`: the logs named (`{ tuningLog: path | paths }`), else, given
 * the GPU's identity, every tuning log of that GPU under `extra.results` (`{ results: root }`, what a bench
 * row passes; see cudaTuningLogs); without either, none (fallback configs).
 */
export function tvmOptionsFromExtra(
  extra: Record<string, unknown> | undefined,
  gpu?: GpuIdentity,
): TvmBackendOptions {
  const named = tuningLogsFromExtra(extra, 'tvm');
  return { tuningLogs: gpu ? cudaTuningLogs(named, extra, gpu) : (named ?? []) };
}

/**
 * Conv backend running generated kernels with the best tuned config per workload|pass|precision
 * ("apply history best"), or the default config (with a warning per workload) where the logs have none.
 */
export class TvmConvBackend extends AppliedHistoryBackend<Prepared> {
  readonly name = 'tvm';

  private constructor(
    readonly device: Device,
    readonly mathMode: MathMode,
    private readonly runtime: CudaKernelRuntime,
    private readonly history: ApplyHistoryBest,
    private readonly options: TvmBackendOptions,
  ) {
    super();
  }

  static async create(create: BackendCreateOptions, options?: TvmBackendOptions): Promise<TvmConvBackend> {
    if (create.device.kind !== 'cuda') {
      throw new ConfigError(`the tvm backend runs on a CUDA device, got '${create.device.kind}'`);
    }
    const opts =
      options ??
      tvmOptionsFromExtra(
        create.extra,
        gpuIdentityFromDetails(create.device.name, create.device.describe?.() ?? {}),
      );
    const runtime = await createCudaKernelRuntime({ device: create.device });
    const history = ApplyHistoryBest.fromLogs(opts.tuningLogs, opts.warn);
    return new TvmConvBackend(create.device, create.mathMode, runtime, history, opts);
  }

  describe(): Record<string, unknown> {
    const configs = this.chosenConfigs();
    return {
      backend: 'tvm',
      mathMode: this.mathMode,
      compiler: this.runtime.builder.description,
      tuningLogs: this.options.tuningLogs,
      tunedTasks: this.history.size,
      configs,
    };
  }

  async dispose(): Promise<void> {
    for (const p of this.prepared.values()) this.runtime.runner.unload(p.loaded);
    this.prepared.clear();
    this.runtime.dispose();
  }

  protected async kernelFor(workload: ConvWorkload, pass: ConvPass): Promise<Prepared> {
    const facts = this.runtime.runner.facts();
    const task = createTask<DeviceLimits, KernelSource>(
      workload,
      pass,
      this.mathMode,
      cudaTarget({
        arch: facts.arch,
        maxThreadsPerBlock: facts.maxThreadsPerBlock,
        maxSharedBytesPerBlock: facts.maxSharedBytesPerBlock,
      }),
    );
    const have = this.prepared.get(task.id);
    if (have) return have;
    const chosen = this.history.query(task);
    const kernel = task.template.generate(
      task.problem,
      task.precision,
      chosen.values,
      kernelName(task, chosen.index),
    );
    const [built] = await this.runtime.builder.buildMany([kernel], { arch: facts.arch, timeoutMs: 120_000 });
    if (!built?.ok)
      throw new Error(`tvm: kernel for ${task.id} failed to build: ${built ? built.message : 'no result'}`);
    const loaded = this.runtime.runner.load(built.kernel);
    const p: Prepared = { task, chosen, kernel, loaded };
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
    const out = p.kernel.zeroOutput ? this.device.zeros(outShape) : this.device.alloc(outShape);
    const buf = (t: Tensor) => this.runtime.tensorBuffer(t);
    this.runtime.runner.launch(p.loaded, p.kernel, [buf(a), buf(b), buf(out)]);
    return out;
  }
}
