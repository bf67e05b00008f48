import { readFileSync } from 'node:fs';
import os from 'node:os';
import { describe, expect, it } from 'vitest';
import { busyReason, defaultThresholdShare, judgeQuietness } from './quietness-verdict.js';
import {
  type MachineSnapshot,
  meanCpuInfoMHz,
  meanScalingFreqMHz,
  parseLoadAverage,
  parseNvidiaSmiQuery,
  parseProcessStat,
  parseProcStat,
  readingBetween,
  treeTicks,
} from './system-readings.js';

const STAT_A =
  'cpu  100 0 50 800 20 0 10 0 0 0\ncpu0 50 0 25 400 10 0 5 0 0 0\ncpu1 50 0 25 400 10 0 5 0 0 0\nintr 1 2\n';
const STAT_B =
  'cpu  250 0 100 900 30 0 20 20 0 0\ncpu0 125 0 50 450 15 0 10 10 0 0\ncpu1 125 0 50 450 15 0 10 10 0 0\n';

function snap(stat: string, atMs: number, measuredTicks: number, load = 1): MachineSnapshot {
  return {
    atMs,
    cpu: parseProcStat(stat),
    measuredTicks,
    loadAverage1m: load,
    governor: null,
    clockMHz: null,
  };
}

describe('parseProcStat', () => {
  it('sums the aggregate line: busy = user+nice+system+irq+softirq, total adds idle, iowait and steal', () => {
    expect(parseProcStat(STAT_A)).toEqual({ cpus: 2, total: 980, busy: 160, steal: 0 });
    expect(parseProcStat(STAT_B)).toEqual({ cpus: 2, total: 1320, busy: 370, steal: 20 });
  });

  it('leaves guest time out (the kernel already counts it in user) and reads short old-kernel lines', () => {
    // user 300 includes guest 40: total = 300 + 5 + 100 + 1000, not + 40 again.
    expect(parseProcStat('cpu  300 5 100 1000 0 0 0 0 40 0\ncpu0 1 1 1 1\n')).toEqual({
      cpus: 1,
      total: 1405,
      busy: 405,
      steal: 0,
    });
    expect(parseProcStat('cpu 10 0 5 85\n').total).toBe(100);
    expect(() => parseProcStat('intr 1 2 3\n')).toThrow(/no aggregate/);
  });

  it("counts this machine's CPUs as Node does (real /proc)", () => {
    if (process.platform !== 'linux') return;
    expect(parseProcStat(readFileSync('/proc/stat', 'utf8')).cpus).toBe(os.cpus().length);
  });
});

describe('parseProcessStat and treeTicks', () => {
  it('counts fields after the last parenthesis, so a command name with spaces and ")" reads right', () => {
    const text = '4242 (a) b (c)) S 17 4242 4242 0 -1 4194560 100 0 0 0 250 30 7 3 20 0 1 0 1000 2000 300\n';
    // utime 250 + stime 30 + cutime 7 + cstime 3
    expect(parseProcessStat(text)).toEqual({ pid: 4242, ppid: 17, ticks: 290 });
    expect(() => parseProcessStat('garbage')).toThrow(RangeError);
  });

  it('reads this process from the real /proc/self/stat', () => {
    if (process.platform !== 'linux') return;
    const me = parseProcessStat(readFileSync('/proc/self/stat', 'utf8'));
    expect(me.pid).toBe(process.pid);
    expect(me.ppid).toBe(process.ppid);
    expect(me.ticks).toBeGreaterThanOrEqual(0);
  });

  it('sums a root and all its descendants, each once', () => {
    const procs = [
      { pid: 1, ppid: 0, ticks: 10 },
      { pid: 10, ppid: 1, ticks: 5 },
      { pid: 11, ppid: 10, ticks: 7 },
      { pid: 12, ppid: 11, ticks: 3 },
      { pid: 20, ppid: 1, ticks: 100 },
    ];
    expect(treeTicks(procs, [10])).toBe(15);
    expect(treeTicks(procs, [10, 11, 10])).toBe(15);
    expect(treeTicks(procs, [1])).toBe(125);
    expect(treeTicks(procs, [20, 12])).toBe(103);
    expect(treeTicks(procs, [99])).toBe(0);
  });
});

describe('readingBetween', () => {
  it('works out other and steal shares by hand', () => {
    // Δtotal = 1320 − 980 = 340 ticks; Δbusy = 370 − 160 = 210; the measured trees took 60 of them;
    // other = (210 − 60) / 340, steal = 20 / 340.
    const r = readingBetween(snap(STAT_A, 1000, 40), snap(STAT_B, 2700, 100, 3.9));
    expect(r.otherCpuShare).toBeCloseTo(150 / 340, 12);
    expect(r.stealShare).toBeCloseTo(20 / 340, 12);
    expect(r.intervalS).toBeCloseTo(1.7, 12);
    expect(r.loadAverage1m).toBe(3.9);
  });

  it('gives 0 for an interval without ticks and clamps rounding below 0', () => {
    expect(readingBetween(snap(STAT_A, 0, 0), snap(STAT_A, 0, 0)).otherCpuShare).toBe(0);
    // The measured trees took more than the busy time (tick rounding): other is 0, not negative.
    expect(readingBetween(snap(STAT_A, 0, 0), snap(STAT_B, 1000, 300)).otherCpuShare).toBe(0);
  });
});

describe('the verdict', () => {
  it('defaults to half a CPU of other work, between 3% and 15% of the machine', () => {
    expect(defaultThresholdShare(1)).toBe(0.15);
    expect(defaultThresholdShare(2)).toBe(0.15);
    expect(defaultThresholdShare(4)).toBe(0.125);
    expect(defaultThresholdShare(8)).toBe(0.0625);
    expect(defaultThresholdShare(64)).toBe(0.03);
  });

  it('is noisy when other work plus steal over the whole interval exceeds the threshold, with one line', () => {
    // 2 CPUs for 1 s at 100 ticks/s: 200 ticks; 194 busy, none of it ours: 97% other.
    const a = snap('cpu  0 0 0 0 0 0 0 0\ncpu0 0\ncpu1 0\n', 0, 0);
    const b = snap('cpu  150 0 44 6 0 0 0 0\ncpu0 0\ncpu1 0\n', 1000, 0, 3.9);
    const during = readingBetween(a, b);
    const q = judgeQuietness({ method: 'm', cpus: 2, thresholdShare: 0.15, before: during, during });
    expect(q.noisy).toBe(true);
    expect(q.reason).toBe('other processes held 97% of 2 CPUs (load average 3.9; threshold 15%)');
    const quiet = { ...during, otherCpuShare: 0.1, stealShare: 0.04 };
    expect(
      judgeQuietness({ method: 'm', cpus: 2, thresholdShare: 0.15, before: quiet, during: quiet }),
    ).toMatchObject({
      noisy: false,
      reason: null,
    });
    // Steal counts towards the verdict and is named.
    const stolen = { ...during, otherCpuShare: 0.1, stealShare: 0.08 };
    expect(busyReason(stolen, 4, 0.125)).toBe(
      'other processes held 10% and the hypervisor stole 8% of 4 CPUs (load average 3.9; threshold 13%)',
    );
    expect(
      judgeQuietness({ method: 'm', cpus: 2, thresholdShare: 0.15, before: stolen, during: stolen }).noisy,
    ).toBe(true);
  });
});

describe('clock and GPU readings', () => {
  it('averages cpufreq kHz and /proc/cpuinfo MHz', () => {
    expect(meanScalingFreqMHz(['2000000\n', '3000000\n', 'x'])).toBe(2500);
    expect(meanScalingFreqMHz([])).toBeNull();
    expect(
      meanCpuInfoMHz('processor\t: 0\ncpu MHz\t\t: 2096.022\nprocessor\t: 1\ncpu MHz\t\t: 3000.000\n'),
    ).toBeCloseTo(2548.011, 9);
    expect(meanCpuInfoMHz('processor : 0\nBogoMIPS : 50\n')).toBeNull();
    expect(parseLoadAverage('3.91 2.50 1.00 2/95 11757\n')).toBe(3.91);
    expect(() => parseLoadAverage('')).toThrow(RangeError);
  });

  it('decodes nvidia-smi clock, temperature and throttle bits', () => {
    expect(parseNvidiaSmiQuery('1980, 71, 0x0000000000000044\n')).toEqual({
      smClockMHz: 1980,
      temperatureC: 71,
      throttleReasons: ['sw_power_cap', 'hw_thermal_slowdown'],
    });
    expect(parseNvidiaSmiQuery('[N/A], 41, [N/A]')).toEqual({
      smClockMHz: null,
      temperatureC: 41,
      throttleReasons: [],
    });
    expect(parseNvidiaSmiQuery('No devices were found')).toBeNull();
  });
});
