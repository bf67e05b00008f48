import type { MeasureResult } from './measure-error.js';
import type { RecordProvenance } from './record.js';
import type { TargetSpec } from './target.js';
import type { TuningTask } from './task.js';

/** AutoTVM's measure_option: builds configs, runs them, returns one result per config (never throws for a config). */
export interface Measurer {
  readonly provenance: RecordProvenance;
  /** The target the measurer measures on (its templates and this device's limits). */
  readonly target?: TargetSpec;
  measureBatch(task: TuningTask, indices: readonly number[]): Promise<MeasureResult[]>;
  dispose?(): void;
}
