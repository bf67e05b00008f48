import type { Quietness, SystemReading } from '@unet3d/results';

/**
 * The share of all CPUs other work may hold (other processes + steal, over the whole measurement) before it is
 * called noisy: half a CPU's worth, but at least 3% and at most 15% of the machine.
 *
 * Why: our CPU rows run fork-join parallel regions on every core, and such a region ends with its slowest
 * thread, so one competing thread that holds a CPU for a sizeable part of the time slows a row far beyond its
 * share (a row measured at load average 4–17 on 2 CPUs ran 3–5.6× slower). Half a CPU of sustained other work
 * is where that starts to show; the background of an otherwise idle server or VM (kernel threads, agents, a
 * shell) measures 1–5% of all CPUs, so 15% stays three times above it on small machines (2 CPUs: 15% = 0.3
 * CPU, while one other busy process is 50%), and the 3% floor keeps the background of a large machine from
 * flagging every run (64 CPUs: 3% = 2 CPUs).
 */
export function defaultThresholdShare(cpus: number): number {
  return Math.min(0.15, Math.max(0.03, 0.5 / Math.max(1, cpus)));
}

const pct = (share: number): string => `${Math.round(share * 100)}%`;

/**
 * One line saying what other work held over `during`, e.g. 'other processes held 97% of 2 CPUs (load
 * average 3.9; threshold 15%)', with the steal share when there was any.
 */
export function busyReason(during: SystemReading, cpus: number, thresholdShare: number): string {
  const stole = during.stealShare > 0.005 ? ` and the hypervisor stole ${pct(during.stealShare)}` : '';
  return (
    `other processes held ${pct(during.otherCpuShare)}${stole} of ${cpus} CPU${cpus === 1 ? '' : 's'} ` +
    `(load average ${during.loadAverage1m.toFixed(1)}; threshold ${pct(thresholdShare)})`
  );
}

/**
 * The verdict on a measurement: noisy when other processes' share plus steal over the whole interval
 * (`during`) exceeds `thresholdShare`; `worst` is the busiest sub-interval (for the record, not the verdict:
 * a one-second burst is not what makes a minute-long row slow).
 */
export function judgeQuietness(input: {
  readonly method: string;
  readonly cpus: number;
  readonly thresholdShare: number;
  readonly before: SystemReading;
  readonly during: SystemReading;
  readonly worst?: SystemReading;
}): Quietness {
  const { during, thresholdShare } = input;
  const noisy = during.otherCpuShare + during.stealShare > thresholdShare;
  return {
    method: input.method,
    thresholdShare,
    before: input.before,
    during,
    ...(input.worst ? { worst: input.worst } : {}),
    noisy,
    reason: noisy ? busyReason(during, input.cpus, thresholdShare) : null,
  };
}
