import { errorToOneLine, mixSeed, seededRng } from '@unet3d/core';
import { type MeasureErrorCode, MeasureErrorNo, type MeasureResult } from '../../autotvm/measure-error.js';
import type { Measurer } from '../../autotvm/measurer.js';
import type { RecordProvenance } from '../../autotvm/record.js';
import type { TargetSpec } from '../../autotvm/target.js';
import { instantiate, kernelName, type TuningTask } from '../../autotvm/task.js';
import { indexFunctions, indexFunctionsToCuda } from '../../templates/index-fns.js';
import { type DeviceLimits, type KernelSource, PRELUDE } from '../../templates/template.js';
import { cudaTarget } from './cuda-target.js';
import type { DeviceBuffer, KernelBuilder, KernelRunner, LoadedKernel } from './kernel-interfaces.js';

export type { Measurer } from '../../autotvm/measurer.js';

export interface GpuMeasureOptions {
  /** Timed runs per config (after one warm-up). */
  repeats: number;
  buildTimeoutMs: number;
  /** A run slower than this is reported as RUN_TIMEOUT (a launched kernel cannot be pre-empted). */
  runTimeoutMs: number;
  /** Compare with the reference the first time a config runs. */
  checkCorrectness: boolean;
  seed: number;
  commit: string;
}

export const DEFAULT_GPU_MEASURE: GpuMeasureOptions = {
  repeats: 5,
  buildTimeoutMs: 30_000,
  runTimeoutMs: 2_000,
  checkCorrectness: true,
  seed: 0,
  commit: 'unknown',
};

/** Allowed max |got − ref| / max |ref| per precision. */
export const TOLERANCE: Readonly<Record<string, number>> = { fp32: 1e-4, tf32: 5e-3, bf16: 2e-2 };

/** A one-thread-per-output float64 kernel over the same index functions: the on-device reference. */
export function referenceKernelSource(task: TuningTask, name: string): string {
  const p = task.problem;
  return `${PRELUDE}${indexFunctionsToCuda(indexFunctions(p), name)}
extern "C" __global__ void ${name}(const float* __restrict__ A, const float* __restrict__ B, float* __restrict__ C) {
  const long long t = (long long)blockIdx.x * blockDim.x + threadIdx.x;
  if (t >= ${p.gemmM}LL * ${p.gemmN}LL) return;
  const int m = (int)(t / ${p.gemmN}), j = (int)(t % ${p.gemmN});
  double s = 0.0;
  for (int kk = 0; kk < ${p.gemmK}; ++kk) {
    const int ib = ${name}_b_index(kk, j);
    if (ib >= 0) s += (double)A[${name}_a_index(m, kk)] * (double)B[ib];
  }
  C[${name}_c_index(m, j)] = (float)s;
}
`;
}

export function maxRelativeError(got: Float32Array, ref: Float32Array): number {
  let scale = 0;
  let err = 0;
  for (let i = 0; i < ref.length; i++) {
    scale = Math.max(scale, Math.abs(ref[i]!));
    err = Math.max(err, Math.abs(got[i]! - ref[i]!));
  }
  if (!Number.isFinite(err)) return Number.POSITIVE_INFINITY;
  return err / Math.max(scale, 1e-30);
}

interface TaskBuffers {
  A: DeviceBuffer;
  B: DeviceBuffer;
  C: DeviceBuffer;
  reference?: Float32Array;
}

/**
 * Measures on a GPU through the small builder/runner interfaces: builds the batch in parallel (the builder's
 * business, with its timeout), then runs configs one at a time with events, checking each config's output
 * against the reference kernel's the first time it runs.
 */
export class GpuMeasurer implements Measurer {
  readonly provenance: RecordProvenance;
  readonly limits: DeviceLimits;
  readonly target: TargetSpec<DeviceLimits, KernelSource>;
  private readonly options: GpuMeasureOptions;
  private readonly buffers = new Map<string, TaskBuffers>();
  private readonly checked = new Set<string>();

  constructor(
    private readonly builder: KernelBuilder,
    private readonly runner: KernelRunner,
    options: Partial<GpuMeasureOptions> = {},
  ) {
    this.options = { ...DEFAULT_GPU_MEASURE, ...options };
    const f = runner.facts();
    this.provenance = { device: f.device, driver: f.driver, cuda: f.cuda, commit: this.options.commit };
    this.limits = {
      arch: f.arch,
      maxThreadsPerBlock: f.maxThreadsPerBlock,
      maxSharedBytesPerBlock: f.maxSharedBytesPerBlock,
    };
    this.target = cudaTarget(this.limits);
  }

  async measureBatch(anyTask: TuningTask, indices: readonly number[]): Promise<MeasureResult[]> {
    const task = anyTask as TuningTask<KernelSource>;
    const limits = task.limits as DeviceLimits;
    const started = indices.map(() => performance.now());
    const results: (MeasureResult | undefined)[] = indices.map(() => undefined);
    const sources: {
      at: number;
      name: string;
      source: string;
      includes: readonly string[];
      launch: KernelSource;
    }[] = [];
    indices.forEach((index, at) => {
      try {
        const { kernel } = instantiate(task, index);
        sources.push({
          at,
          name: kernel.name,
          source: kernel.source,
          includes: kernel.includes,
          launch: kernel,
        });
      } catch (err) {
        results[at] = this.fail(MeasureErrorNo.INSTANTIATION_ERROR, err, started[at]!);
      }
    });
    const built = await this.builder.buildMany(sources, {
      arch: limits.arch,
      timeoutMs: this.options.buildTimeoutMs,
    });
    const fb = await this.prepareTask(task);
    for (let s = 0; s < sources.length; s++) {
      const src = sources[s]!;
      const b = built[s]!;
      if (!b.ok) {
        const code =
          b.kind === 'timeout'
            ? MeasureErrorNo.BUILD_TIMEOUT
            : b.kind === 'host'
              ? MeasureErrorNo.COMPILE_HOST
              : MeasureErrorNo.COMPILE_DEVICE;
        results[src.at] = this.fail(code, b.message, started[src.at]!);
        continue;
      }
      let loaded: LoadedKernel | undefined;
      try {
        loaded = this.runner.load(b.kernel);
        const k = loaded;
        const run = (): void => {
          if (src.launch.zeroOutput) this.runner.zero(fb.C);
          this.runner.launch(k, src.launch, [fb.A, fb.B, fb.C]);
        };
        const key = `${task.id}#${indices[src.at]}`;
        if (this.options.checkCorrectness && !this.checked.has(key)) {
          this.runner.zero(fb.C);
          run();
          this.runner.synchronize();
          const got = this.runner.download(fb.C, task.problem.sizeC);
          const err = maxRelativeError(got, fb.reference!);
          this.checked.add(key);
          if (!(err <= TOLERANCE[task.precision]!)) {
            results[src.at] = this.fail(
              MeasureErrorNo.WRONG_ANSWER,
              `max relative error ${err}`,
              started[src.at]!,
            );
            continue;
          }
        }
        const costs = this.runner.time(run, this.options.repeats);
        const slow = costs.find((c) => c > this.options.runTimeoutMs);
        results[src.at] =
          slow !== undefined
            ? this.fail(MeasureErrorNo.RUN_TIMEOUT, `run took ${slow} ms`, started[src.at]!)
            : {
                costsMs: costs,
                error: MeasureErrorNo.NO_ERROR,
                allCostS: (performance.now() - started[src.at]!) / 1000,
                timestamp: new Date().toISOString(),
                ...(b.kernel.registers !== undefined ? { registers: b.kernel.registers } : {}),
                ...(b.kernel.spillStoreBytes !== undefined ? { spillBytes: b.kernel.spillStoreBytes } : {}),
              };
      } catch (err) {
        results[src.at] = this.fail(MeasureErrorNo.RUNTIME_DEVICE, err, started[src.at]!);
      } finally {
        if (loaded) this.runner.unload(loaded);
      }
    }
    return results.map((r, i) => r ?? this.fail(MeasureErrorNo.UNKNOWN_ERROR, 'not measured', started[i]!));
  }

  dispose(): void {
    for (const b of this.buffers.values()) {
      this.runner.free(b.A);
      this.runner.free(b.B);
      this.runner.free(b.C);
    }
    this.buffers.clear();
  }

  /** Random operands (seeded) and the reference output, once per task. */
  private taskBuffers(task: TuningTask): TaskBuffers {
    const have = this.buffers.get(task.id);
    if (have) return have;
    // Buffers for other tasks are freed: one task is tuned at a time.
    this.dispose();
    const p = task.problem;
    const rng = seededRng(mixSeed(this.options.seed));
    const rand = (n: number): Float32Array => Float32Array.from({ length: n }, () => rng.next() * 2 - 1);
    const bufs: TaskBuffers = {
      A: this.runner.alloc(4 * p.sizeA),
      B: this.runner.alloc(4 * p.sizeB),
      C: this.runner.alloc(4 * p.sizeC),
    };
    this.runner.upload(bufs.A, rand(p.sizeA));
    this.runner.upload(bufs.B, rand(p.sizeB));
    this.buffers.set(task.id, bufs);
    return bufs;
  }

  /** Build and run the reference kernel for a task, once (the first measureBatch of a task calls it). */
  private async prepareTask(task: TuningTask): Promise<TaskBuffers> {
    const bufs = this.taskBuffers(task);
    if (!this.options.checkCorrectness || bufs.reference) return bufs;
    const p = task.problem;
    const name = `${kernelName(task, 0)}_ref`;
    const [b] = await this.builder.buildMany(
      [{ name, source: referenceKernelSource(task, name), includes: [] }],
      {
        arch: (task.limits as DeviceLimits).arch,
        timeoutMs: this.options.buildTimeoutMs * 4,
      },
    );
    if (!b?.ok) throw new Error(`reference kernel failed to build: ${b ? b.message : 'no result'}`);
    const k = this.runner.load(b.kernel);
    try {
      const total = p.gemmM * p.gemmN;
      this.runner.zero(bufs.C);
      const dims = { grid: [Math.ceil(total / 256), 1, 1], block: [256, 1, 1], sharedBytes: 0 } as const;
      this.runner.launch(k, dims, [bufs.A, bufs.B, bufs.C]);
      this.runner.synchronize();
      bufs.reference = this.runner.download(bufs.C, p.sizeC);
    } finally {
      this.runner.unload(k);
    }
    return bufs;
  }

  private fail(code: MeasureErrorCode, err: unknown, started: number): MeasureResult {
    return {
      costsMs: [],
      error: code,
      errorMsg: (typeof err === 'string' ? err : errorToOneLine(err)).slice(0, 500),
      allCostS: (performance.now() - started) / 1000,
      timestamp: new Date().toISOString(),
    };
  }
}
