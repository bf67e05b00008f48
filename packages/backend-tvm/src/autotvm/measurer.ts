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
  /**
   * Build configs of several tasks at once, ahead of their measureBatch (AutoTVM's builder apart from its
   * runner): a later measureBatch of them finds them built. Optional; never throws for a config.
   */
  prebuild?(jobs: readonly { readonly task: TuningTask; readonly index: number }[]): Promise<void>;
  dispose?(): void;
}
