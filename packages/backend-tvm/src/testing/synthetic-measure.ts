import { MeasureErrorNo, type MeasureResult } from '../autotvm/measure-error.js';
import type { Measurer } from '../autotvm/measurer.js';
import type { KnobValues } from '../autotvm/space.js';
import type { TargetSpec } from '../autotvm/target.js';
import type { TuningTask } from '../autotvm/task.js';
import { cudaTarget } from '../targets/cuda/cuda-target.js';

/**
 * A measurer over a known cost function (ms) of the knob values: for testing the search without a GPU.
 * `undefined` from the function is reported as a runtime error.
 */
export class SyntheticMeasurer implements Measurer {
  readonly provenance = { device: 'synthetic', driver: 'none', cuda: 'none', commit: 'test' };
  measured = 0;
  constructor(
    private readonly cost: (values: KnobValues, task: TuningTask) => number | undefined,
    /** The target whose spaces are searched (default: CUDA's templates at default limits). */
    readonly target: TargetSpec = cudaTarget(),
  ) {}

  async measureBatch(task: TuningTask, indices: readonly number[]): Promise<MeasureResult[]> {
    return indices.map((i) => {
      this.measured++;
      const timestamp = new Date(0).toISOString();
      const reason = task.space.invalidReason(i);
      if (reason)
        return {
          costsMs: [],
          error: MeasureErrorNo.INSTANTIATION_ERROR,
          errorMsg: reason,
          allCostS: 0,
          timestamp,
        };
      const c = this.cost(task.space.decode(i), task);
      if (c === undefined)
        return { costsMs: [], error: MeasureErrorNo.RUNTIME_DEVICE, allCostS: 0, timestamp };
      return { costsMs: [c], error: MeasureErrorNo.NO_ERROR, allCostS: 0, timestamp };
    });
  }
}
