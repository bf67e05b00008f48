/**
 * Entry point of the CUDA measure worker (a child process, see ChildWorkerPool): owns the CUDA context and
 * measures batches with GpuMeasurer. A kernel fault poisons a CUDA context for good, so it must die with
 * this process; the parent starts a fresh one. Loads @unet3d/cuda only here.
 */
import { type ConvPass, type ConvWorkload, errorToOneLine, type MathMode } from '@unet3d/core';
import type { MeasureResult } from '../../autotvm/measure-error.js';
import type { RecordProvenance } from '../../autotvm/record.js';
import { createTask } from '../../autotvm/task.js';
import { serveWorker } from '../../measure/child-worker-pool.js';
import type { DeviceLimits } from '../../templates/template.js';
import { type GpuMeasureOptions, GpuMeasurer } from './cuda-measurer.js';
import { createCudaKernelRuntime } from './cuda-runtime.js';
import { cudaTarget } from './cuda-target.js';

export type CudaMeasureRequest =
  | { readonly kind: 'facts'; readonly options: Partial<GpuMeasureOptions> }
  | {
      readonly kind: 'measure';
      readonly options: Partial<GpuMeasureOptions>;
      readonly workload: ConvWorkload;
      readonly pass: ConvPass;
      readonly precision: MathMode;
      readonly indices: readonly number[];
    };

export type CudaMeasureReply =
  | {
      readonly ok: true;
      readonly provenance: RecordProvenance;
      readonly limits: DeviceLimits;
      readonly results: MeasureResult[];
    }
  | { readonly ok: false; readonly message: string };

let measurer: GpuMeasurer | undefined;

serveWorker<CudaMeasureRequest, CudaMeasureReply>(async (req) => {
  try {
    if (!measurer) {
      const rt = await createCudaKernelRuntime();
      measurer = new GpuMeasurer(rt.builder, rt.runner, req.options);
    }
    const facts = { provenance: measurer.provenance, limits: measurer.limits };
    if (req.kind === 'facts') return { ok: true, ...facts, results: [] };
    const task = createTask(req.workload, req.pass, req.precision, cudaTarget(measurer.limits));
    return { ok: true, ...facts, results: await measurer.measureBatch(task, req.indices) };
  } catch (err) {
    return { ok: false, message: errorToOneLine(err) };
  }
});
