import type { MeasureResult, Measurer, TuningTask } from '@unet3d/backend-tvm';
import { DeviceError } from '@unet3d/core';

/** MeasureErrorNo.NO_ERROR: a config that built, ran and (where checked) computed the right answer. */
const NO_ERROR = 0;

/**
 * A measurer that counts what its inner measurer returned this run: trials measured, trials failed, and the
 * first failure's message. The tuner goes on past failed configs by design (a config may not build or may
 * fault), so a run in which every config failed (no worker could start, no compiler, no GPU context) would
 * otherwise end "successfully" with nothing tuned; `failureOfRun` names it.
 */
export class TrialTally implements Measurer {
  measured = 0;
  failed = 0;
  firstError: string | undefined;

  constructor(private readonly inner: Measurer) {}

  get provenance(): Measurer['provenance'] {
    return this.inner.provenance;
  }

  get target(): Measurer['target'] {
    return this.inner.target;
  }

  async measureBatch(task: TuningTask, indices: readonly number[]): Promise<MeasureResult[]> {
    const results = await this.inner.measureBatch(task, indices);
    for (const r of results) {
      this.measured++;
      if (r.error === NO_ERROR) continue;
      this.failed++;
      this.firstError ??= (r.errorMsg ?? `error ${r.error}`).split('\n')[0]!.slice(0, 300);
    }
    return results;
  }

  dispose(): void {
    this.inner.dispose?.();
  }

  /**
   * Undefined when at least one trial of this run succeeded or none was measured (all resumed from the log,
   * or the time limit came first); else a one-line DeviceError: every trial measured failed, with the first
   * failure's message.
   */
  failureOfRun(logPath: string): DeviceError | undefined {
    if (this.measured === 0 || this.failed < this.measured) return undefined;
    return new DeviceError(
      `tune: every one of the ${this.measured} trials measured failed, nothing was tuned (first: ${this.firstError})`,
      `each failure is a record in ${logPath}; fix what the first one names, then run tune again`,
    );
  }
}
