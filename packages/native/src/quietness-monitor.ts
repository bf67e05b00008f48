import { setTimeout as sleep } from 'node:timers/promises';
import type { Quietness, SystemReading } from '@unet3d/results';
import { defaultThresholdShare, judgeQuietness } from './quietness-verdict.js';
import { readGpu, systemReadingsUnavailable, takeSnapshot } from './system-reader.js';
import { type MachineSnapshot, readingBetween } from './system-readings.js';

export interface QuietnessMonitorOptions {
  /**
   * Roots of what is being measured: each pid and all its descendants (found by parent pid at every sample,
   * so children started later count too). Everything else on the machine is "other work".
   */
  readonly pids: readonly number[];
  /** Share of all CPUs other work may hold before the measurement is noisy (default: defaultThresholdShare). */
  readonly thresholdShare?: number;
  /** ms between samples during the measurement (default 1000). */
  readonly sampleMs?: number;
  /** ms of the `before` reading, taken when the monitor starts (default 500). */
  readonly beforeMs?: number;
  /** Add NVML's view (nvidia-smi) to the before and during readings, where nvidia-smi exists. */
  readonly gpu?: boolean;
}

function methodOf(sampleMs: number, beforeMs: number, gpu: boolean): string {
  return (
    `Linux /proc: other work = /proc/stat busy time − the measured process trees' /proc/<pid>/stat times (children ` +
    `included), and steal, as shares of all CPU time; ${beforeMs / 1000} s before, then sampled every ` +
    `${sampleMs / 1000} s${gpu ? '; GPU: nvidia-smi where present' : ''}`
  );
}

const busy = (r: SystemReading): number => r.otherCpuShare + r.stealShare;

/**
 * Watches how busy the machine is while something is measured. `start` takes the `before` reading (the
 * machine over `beforeMs` with only the measured trees' roots running) and then samples every `sampleMs`
 * (an unref'd timer on this thread: a long synchronous call here delays samples, never the verdict, which
 * uses the first and last snapshot). `stop` gives the Quietness: `during` over the whole measurement, `worst`
 * the busiest full sample interval (or `during` when there was none), noisy when other processes + steal over
 * `during` exceed the threshold.
 */
export class QuietnessMonitor {
  private readonly snapshots: MachineSnapshot[] = [];
  private readonly timer: NodeJS.Timeout;
  private stopped = false;

  private constructor(
    private readonly options: QuietnessMonitorOptions,
    private readonly before: SystemReading,
    first: MachineSnapshot,
  ) {
    this.snapshots.push(first);
    this.timer = setInterval(() => this.sample(), options.sampleMs ?? 1000);
    this.timer.unref();
  }

  /**
   * Take the `before` reading and start sampling. Throws an Error with one line when machine readings cannot
   * be taken here (not Linux, /proc unreadable: systemReadingsUnavailable).
   */
  static async start(options: QuietnessMonitorOptions): Promise<QuietnessMonitor> {
    const why = systemReadingsUnavailable();
    if (why) throw new Error(why);
    const gpu = options.gpu ? await readGpu() : null;
    const s0 = takeSnapshot(options.pids);
    await sleep(options.beforeMs ?? 500);
    const s1 = takeSnapshot(options.pids);
    const before = { ...readingBetween(s0, s1), ...(gpu ? { gpu } : {}) };
    return new QuietnessMonitor(options, before, s1);
  }

  private sample(): void {
    try {
      this.snapshots.push(takeSnapshot(this.options.pids));
    } catch {
      // A failed read leaves a longer interval between the neighbouring samples; nothing is lost.
    }
  }

  /** Stop sampling and judge the measurement. Call once. */
  async stop(): Promise<Quietness> {
    if (this.stopped) throw new Error('QuietnessMonitor.stop() called twice');
    this.stopped = true;
    clearInterval(this.timer);
    this.sample();
    const sampleMs = this.options.sampleMs ?? 1000;
    const beforeMs = this.options.beforeMs ?? 500;
    const snaps = this.snapshots;
    const first = snaps[0]!;
    const last = snaps[snaps.length - 1]!;
    const gpu = this.options.gpu ? await readGpu() : null;
    const during = { ...readingBetween(first, last), ...(gpu ? { gpu } : {}) };
    let worst: SystemReading | undefined;
    for (let i = 1; i < snaps.length; i++) {
      const r = readingBetween(snaps[i - 1]!, snaps[i]!);
      // A short tail interval holds a few ticks: its share is mostly rounding, not a busier second.
      if (r.intervalS * 1000 < sampleMs / 2) continue;
      if (!worst || busy(r) > busy(worst)) worst = r;
    }
    return judgeQuietness({
      method: methodOf(sampleMs, beforeMs, this.options.gpu === true),
      cpus: last.cpu.cpus,
      thresholdShare: this.options.thresholdShare ?? defaultThresholdShare(last.cpu.cpus),
      before: this.before,
      during,
      worst: worst ?? during,
    });
  }

  /** Stop sampling without a verdict (the measurement failed). */
  cancel(): void {
    this.stopped = true;
    clearInterval(this.timer);
  }
}

/**
 * Run `measure` under a QuietnessMonitor. `quietness` is null where machine readings cannot be taken, and
 * `note` then says why in one line; an error of `measure` is rethrown after the monitor stops.
 */
export async function measureQuietly<T>(
  measure: () => Promise<T>,
  options: QuietnessMonitorOptions,
): Promise<{ value: T; quietness: Quietness | null; note: string | null }> {
  let monitor: QuietnessMonitor;
  try {
    monitor = await QuietnessMonitor.start(options);
  } catch (err) {
    return {
      value: await measure(),
      quietness: null,
      note: `machine load not recorded: ${(err as Error).message}`,
    };
  }
  let value: T;
  try {
    value = await measure();
  } catch (err) {
    monitor.cancel();
    throw err;
  }
  return { value, quietness: await monitor.stop(), note: null };
}
