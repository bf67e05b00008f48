import { DeviceError } from '@unet3d/core';
import { MeasureErrorNo, type MeasureResult } from '../../autotvm/measure-error.js';
import type { Measurer } from '../../autotvm/measurer.js';
import type { RecordProvenance } from '../../autotvm/record.js';
import type { TargetSpec } from '../../autotvm/target.js';
import type { TuningTask } from '../../autotvm/task.js';
import { ChildWorkerPool } from '../../measure/child-worker-pool.js';
import type { DeviceLimits, KernelSource } from '../../templates/template.js';
import { measureWorkerPath } from '../worker-path.js';
import type { CudaMeasureReply, CudaMeasureRequest } from './cuda-measure-child.js';
import type { GpuMeasureOptions } from './cuda-measurer.js';
import { cudaTarget } from './cuda-target.js';

const childModule = (): string => measureWorkerPath('cuda-measure-child', import.meta.url);

/**
 * The CUDA target's measurer for tuning: GpuMeasurer running in a child process that owns the CUDA
 * context. A batch whose kernel faults (or hangs past `batchTimeoutMs`) kills the child; the batch is then
 * re-measured one config at a time in fresh children, so only the faulting config is a RUNTIME_DEVICE (or
 * RUN_TIMEOUT) record and the tuner goes on.
 */
export class CudaChildMeasurer implements Measurer {
  private constructor(
    private readonly pool: ChildWorkerPool,
    readonly provenance: RecordProvenance,
    readonly target: TargetSpec<DeviceLimits, KernelSource>,
    private readonly options: Partial<GpuMeasureOptions>,
    private readonly batchTimeoutMs: number,
  ) {}

  /** Start the worker and open the GPU in it; throws a one-line DeviceError without a usable GPU. */
  static async create(
    options: Partial<GpuMeasureOptions> = {},
    batchTimeoutMs = 600_000,
  ): Promise<CudaChildMeasurer> {
    const pool = new ChildWorkerPool({ module: childModule() });
    const reply = await pool.request<CudaMeasureRequest, CudaMeasureReply>(
      { kind: 'facts', options },
      120_000,
    );
    if (!reply.ok || !reply.value.ok) {
      pool.dispose();
      const why = !reply.ok ? reply.reason : reply.value.ok ? '' : reply.value.message;
      throw new DeviceError(
        `the CUDA measure worker could not open a GPU: ${why}`,
        'use --target cpu on a machine without a GPU',
      );
    }
    return new CudaChildMeasurer(
      pool,
      reply.value.provenance,
      cudaTarget(reply.value.limits),
      options,
      batchTimeoutMs,
    );
  }

  async measureBatch(task: TuningTask, indices: readonly number[]): Promise<MeasureResult[]> {
    const once = (idx: readonly number[]) =>
      this.pool.request<CudaMeasureRequest, CudaMeasureReply>(
        {
          kind: 'measure',
          options: this.options,
          workload: task.workload,
          pass: task.pass,
          precision: task.precision,
          indices: idx,
        },
        this.batchTimeoutMs,
      );
    const fail = (code: number, msg: string): MeasureResult => ({
      costsMs: [],
      error: code as MeasureResult['error'],
      errorMsg: msg.slice(0, 500),
      allCostS: 0,
      timestamp: new Date().toISOString(),
    });
    const r = await once(indices);
    if (r.ok && r.value.ok) return r.value.results;
    if (r.ok && !r.value.ok)
      return indices.map(() => fail(MeasureErrorNo.UNKNOWN_ERROR, r.value.ok ? '' : r.value.message));
    // The worker died (a kernel fault or a hang): find the culprit one config at a time.
    const out: MeasureResult[] = [];
    for (const i of indices) {
      const one = await once([i]);
      if (!one.ok) {
        out.push(
          fail(
            one.kind === 'timeout' ? MeasureErrorNo.RUN_TIMEOUT : MeasureErrorNo.RUNTIME_DEVICE,
            one.reason,
          ),
        );
      } else if (one.value.ok) out.push(one.value.results[0]!);
      else out.push(fail(MeasureErrorNo.UNKNOWN_ERROR, one.value.message));
    }
    return out;
  }

  dispose(): void {
    this.pool.dispose();
  }
}

/** The CUDA target's measurer on this machine's GPU, in a child process (throws a DeviceError without a GPU). */
export async function createGpuMeasurer(seed: number, commit = 'unknown'): Promise<CudaChildMeasurer> {
  return CudaChildMeasurer.create({ seed, commit });
}
