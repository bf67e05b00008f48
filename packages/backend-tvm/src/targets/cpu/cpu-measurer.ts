import { errorToOneLine } from '@unet3d/core';
import { buildMany, detectCpuFeatures, findCompiler } from '@unet3d/native';
import { type MeasureErrorCode, MeasureErrorNo, type MeasureResult } from '../../autotvm/measure-error.js';
import type { Measurer } from '../../autotvm/measurer.js';
import type { RecordProvenance } from '../../autotvm/record.js';
import type { TargetSpec } from '../../autotvm/target.js';
import { instantiate, type TuningTask } from '../../autotvm/task.js';
import { ChildWorkerPool } from '../../measure/child-worker-pool.js';
import { measureWorkerPath } from '../worker-path.js';
import type { CpuMeasureReply, CpuMeasureRequest } from './cpu-measure-protocol.js';
import { cpuLimitsFromFeatures, cpuTarget } from './cpu-target.js';
import type { CpuKernelSource, CpuLimits } from './cpu-template.js';

export interface CpuMeasureOptions {
  /** Timed runs per config after one warm-up (AutoTVM's `repeat`). */
  repeats: number;
  buildTimeoutMs: number;
  /** A config whose check + warm-up + repeats take longer is killed and reported as RUN_TIMEOUT. */
  runTimeoutMs: number;
  checkCorrectness: boolean;
  /** Largest max|got − ref| / max|ref| accepted (fp32). */
  tolerance: number;
  seed: number;
  commit: string;
  /** Compiler processes at once (default: the CPU's cores). */
  buildParallelism?: number;
  /** Shared-object cache folder (default: @unet3d/native's). */
  cacheDir?: string;
  /**
   * OpenMP threads of the measured kernels (default: all cores). On a shared, loaded machine one thread
   * gives stable rankings where two threads wait on each other's time slices.
   */
  threads?: number;
  /** Limits to tune under (default: from the detected CPU features). */
  limits?: CpuLimits;
}

export const DEFAULT_CPU_MEASURE: CpuMeasureOptions = {
  repeats: 3,
  buildTimeoutMs: 60_000,
  runTimeoutMs: 60_000,
  checkCorrectness: true,
  tolerance: 1e-4,
  seed: 0,
  commit: 'unknown',
};

const childModule = (): string => measureWorkerPath('cpu-measure-child', import.meta.url);

/**
 * Measures CPU configs for real: generated C built in parallel by the system compiler (cached shared
 * objects, build timeout), then each config run in a child process (ChildWorkerPool) — checked against the
 * float64 reference on its first run, then timed. A config that fails to build, faults, hangs or computes
 * the wrong answer is a MeasureErrorNo, never an exception.
 */
export class CpuMeasurer implements Measurer {
  readonly provenance: RecordProvenance;
  readonly target: TargetSpec<CpuLimits, CpuKernelSource>;
  private readonly options: CpuMeasureOptions;
  private readonly pool: ChildWorkerPool;
  private readonly checked = new Set<string>();

  constructor(options: Partial<CpuMeasureOptions> = {}) {
    this.options = { ...DEFAULT_CPU_MEASURE, ...options };
    const features = detectCpuFeatures();
    const compiler = findCompiler();
    const threads = this.options.threads ?? features.cores;
    this.target = cpuTarget(this.options.limits ?? cpuLimitsFromFeatures(features));
    this.provenance = {
      // The identity slug (e.g. cpu-amd-zen4-avx512-2c, after any UNET3D_CPU_FEATURES override): what the
      // tvm-cpu backend compares to tell configs tuned here from transferred ones. Older logs hold the model
      // name ("AMD EPYC (2 cores)") here; they are read the same way and count as another device.
      device: features.slug,
      driver: `${compiler.path} ${compiler.version}`,
      cuda: 'none',
      commit: this.options.commit,
      threads,
    };
    this.pool = new ChildWorkerPool({
      module: childModule(),
      env: { ...process.env, OMP_NUM_THREADS: String(threads) },
    });
  }

  /** Worker restarts so far (after a crash or a timeout). */
  get restarts(): number {
    return this.pool.restarts;
  }

  async measureBatch(anyTask: TuningTask, indices: readonly number[]): Promise<MeasureResult[]> {
    const task = anyTask as TuningTask<CpuKernelSource>;
    const t0 = performance.now();
    const results: (MeasureResult | undefined)[] = indices.map(() => undefined);
    const kernels: { at: number; kernel: CpuKernelSource }[] = [];
    indices.forEach((index, at) => {
      try {
        kernels.push({ at, kernel: instantiate(task, index).kernel });
      } catch (err) {
        results[at] = fail(MeasureErrorNo.INSTANTIATION_ERROR, err, t0);
      }
    });
    const built = await this.buildKernels(kernels.map(({ kernel }) => kernel));
    for (const [s, { at, kernel }] of kernels.entries()) {
      const b = built[s]!;
      const started = performance.now();
      if (!b.ok) {
        const timedOut = /timed out/.test(b.error);
        const noCompiler = /could not start|no C compiler|not found/i.test(b.error);
        results[at] = fail(
          timedOut
            ? MeasureErrorNo.BUILD_TIMEOUT
            : noCompiler
              ? MeasureErrorNo.COMPILE_HOST
              : MeasureErrorNo.COMPILE_DEVICE,
          b.error,
          started,
        );
        continue;
      }
      const key = `${task.id}#${indices[at]}`;
      const req: CpuMeasureRequest = {
        taskId: task.id,
        workload: task.workload,
        pass: task.pass,
        soPath: b.path,
        fn: kernel.name,
        repeats: this.options.repeats,
        check: this.options.checkCorrectness && !this.checked.has(key),
        tolerance: this.options.tolerance,
        seed: this.options.seed,
      };
      const reply = await this.pool.request<CpuMeasureRequest, CpuMeasureReply>(
        req,
        this.options.runTimeoutMs,
      );
      if (!reply.ok) {
        results[at] = fail(
          reply.kind === 'timeout' ? MeasureErrorNo.RUN_TIMEOUT : MeasureErrorNo.RUNTIME_DEVICE,
          reply.reason,
          started,
        );
        continue;
      }
      const r = reply.value;
      if (!r.ok) {
        results[at] = fail(MeasureErrorNo[r.error], r.message, started);
        continue;
      }
      this.checked.add(key);
      results[at] = {
        costsMs: r.costsMs,
        error: MeasureErrorNo.NO_ERROR,
        allCostS: (performance.now() - started) / 1000 + ('buildMs' in b ? b.buildMs / 1000 : 0),
        timestamp: new Date().toISOString(),
      };
    }
    return results.map((r) => r ?? fail(MeasureErrorNo.UNKNOWN_ERROR, 'not measured', t0));
  }

  /** Build configs of several tasks in parallel into the shared-object cache (failures are left to measureBatch). */
  async prebuild(jobs: readonly { readonly task: TuningTask; readonly index: number }[]): Promise<void> {
    const kernels: CpuKernelSource[] = [];
    for (const { task, index } of jobs) {
      try {
        kernels.push(instantiate(task as TuningTask<CpuKernelSource>, index).kernel);
      } catch {
        // An invalid config: its measureBatch reports it.
      }
    }
    await this.buildKernels(kernels);
  }

  /** Build kernels in parallel (OpenMP, the disk cache), `buildParallelism` or the target's threads at a time. */
  private buildKernels(kernels: readonly CpuKernelSource[]) {
    return buildMany(
      kernels.map((kernel) => ({
        name: kernel.name,
        source: kernel.source,
        flags: [...kernel.flags],
        openmp: true,
      })),
      {
        timeoutMs: this.options.buildTimeoutMs,
        parallelism: this.options.buildParallelism ?? this.target.limits.threads,
        ...(this.options.cacheDir ? { cacheDir: this.options.cacheDir } : {}),
      },
    );
  }

  dispose(): void {
    this.pool.dispose();
  }
}

function fail(code: MeasureErrorCode, err: unknown, started: number): MeasureResult {
  return {
    costsMs: [],
    error: code,
    errorMsg: (typeof err === 'string' ? err : errorToOneLine(err)).slice(0, 500),
    allCostS: (performance.now() - started) / 1000,
    timestamp: new Date().toISOString(),
  };
}
