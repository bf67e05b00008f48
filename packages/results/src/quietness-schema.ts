import { z } from 'zod';

const share = z.number().nonnegative();

/**
 * One reading of how busy the machine was, from /proc (Linux): what other processes took of the CPUs over an
 * interval, steal time, the load average, and the clock where readable. GPU runs add NVML's view.
 */
export const SystemReadingSchema = z.object({
  /** 1-minute load average at the end of the interval. */
  loadAverage1m: share,
  /**
   * CPU time of everything but this measurement (all other processes) over the interval, as a share of all
   * CPUs (0 = none, 1 = every CPU busy with other work): (busy − our process tree's CPU time) / (CPUs × wall).
   */
  otherCpuShare: share,
  /** Steal time (a hypervisor ran someone else on our CPUs) as a share of all CPU time of the interval. */
  stealShare: share,
  /** Seconds the interval lasted. */
  intervalS: share,
  /** cpufreq governor of cpu0 ('performance', 'schedutil', ...), null where not readable (most VMs). */
  governor: z.string().nullable(),
  /** Mean current clock over the CPUs, MHz (cpufreq or /proc/cpuinfo), null where not readable. */
  clockMHz: z.number().positive().nullable(),
  /** GPU: SM clock (MHz), temperature (°C) and the clock-throttle reasons NVML reports; absent on a CPU. */
  gpu: z
    .object({
      smClockMHz: z.number().nullable(),
      temperatureC: z.number().nullable(),
      throttleReasons: z.array(z.string()),
    })
    .optional(),
});

/**
 * How quiet the machine was while something was measured (a row, or the measured roofs): a reading before,
 * the worst reading during, and whether other work held more than `thresholdShare` of the CPUs (then `noisy`
 * with that figure in `reason`). Pyperf's and Google Benchmark's warnings are the model: say so, never hide it.
 */
export const QuietnessSchema = z.object({
  /** How the readings were taken, for the report. */
  method: z.string().min(1),
  /** Share of the CPUs other work may hold (other processes' CPU time + steal) before a measurement is noisy. */
  thresholdShare: share,
  before: SystemReadingSchema,
  /** The reading over the whole measurement; `worst` the busiest sub-interval. */
  during: SystemReadingSchema,
  worst: SystemReadingSchema.optional(),
  noisy: z.boolean(),
  /** One line: what other work held, e.g. 'other processes held 98% of 2 CPUs (threshold 15%)'. Null when quiet. */
  reason: z.string().nullable(),
});

export type SystemReading = z.infer<typeof SystemReadingSchema>;
export type Quietness = z.infer<typeof QuietnessSchema>;
