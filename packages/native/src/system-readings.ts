import type { SystemReading } from '@unet3d/results';

/**
 * Pure parsers of Linux's process-accounting files (proc(5)) and the arithmetic that turns two snapshots into
 * a `SystemReading`. Every time here is in clock ticks (USER_HZ), the unit /proc/stat and /proc/<pid>/stat
 * share, so no tick rate is needed: shares are ratios of ticks. The side-effecting reader is system-reader.ts.
 */

/** CPU time of the whole machine from /proc/stat's aggregate `cpu` line, in clock ticks since boot. */
export interface MachineCpuTimes {
  /** Online CPUs: the number of `cpuN` lines. */
  readonly cpus: number;
  /**
   * All CPU time: user + nice + system + idle + iowait + irq + softirq + steal. guest and guest_nice are left
   * out because the kernel already counts them in user and nice.
   */
  readonly total: number;
  /** Time a CPU ran something of this machine's: user + nice + system + irq + softirq. */
  readonly busy: number;
  /** Time the hypervisor ran another guest on our virtual CPUs. */
  readonly steal: number;
}

/**
 * /proc/stat → the aggregate CPU times. Columns missing on old kernels (steal before 2.6.11) count as 0.
 * Throws RangeError when the text has no `cpu ` line.
 */
export function parseProcStat(text: string): MachineCpuTimes {
  const lines = text.split('\n');
  const agg = lines.find((l) => l.startsWith('cpu '));
  if (!agg) throw new RangeError('/proc/stat: no aggregate "cpu " line');
  const v = agg
    .trim()
    .split(/\s+/)
    .slice(1)
    .map((s) => Number(s));
  const at = (i: number): number => (Number.isFinite(v[i]) ? v[i]! : 0);
  const [user, nice, system, idle, iowait, irq, softirq, steal] = [0, 1, 2, 3, 4, 5, 6, 7].map(at) as [
    number,
    number,
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const busy = user + nice + system + irq + softirq;
  return {
    cpus: Math.max(1, lines.filter((l) => /^cpu\d+\s/.test(l)).length),
    total: busy + idle + iowait + steal,
    busy,
    steal,
  };
}

/** /proc/loadavg → the 1-minute load average (its first field). Throws RangeError on other text. */
export function parseLoadAverage(text: string): number {
  const field = text.trim().split(/\s+/)[0] ?? '';
  const first = /^\d+(\.\d+)?$/.test(field) ? Number(field) : Number.NaN;
  if (!Number.isFinite(first)) throw new RangeError(`/proc/loadavg: cannot read '${text.trim()}'`);
  return first;
}

/** One process from /proc/<pid>/stat: its parent and its CPU time with that of its reaped children, ticks. */
export interface ProcessCpuTimes {
  readonly pid: number;
  readonly ppid: number;
  /**
   * utime + stime + cutime + cstime. The children's part matters: when a descendant exits and is waited for,
   * its time moves into its parent's cutime/cstime, so the sum over a process tree survives exits.
   */
  readonly ticks: number;
}

/**
 * /proc/<pid>/stat → pid, parent pid and CPU ticks. The command name (field 2) may hold spaces and
 * parentheses, so fields are counted after its last ')': state is field 3, ppid 4, utime 14, stime 15,
 * cutime 16, cstime 17 (proc(5)). Throws RangeError on other text.
 */
export function parseProcessStat(text: string): ProcessCpuTimes {
  const close = text.lastIndexOf(')');
  const pid = Number.parseInt(text, 10);
  const rest =
    close < 0
      ? []
      : text
          .slice(close + 1)
          .trim()
          .split(/\s+/);
  const field = (n: number): number => Number(rest[n - 3]);
  const ticks = field(14) + field(15) + field(16) + field(17);
  if (!Number.isInteger(pid) || !Number.isFinite(ticks) || !Number.isInteger(field(4))) {
    throw new RangeError(`/proc/<pid>/stat: cannot read '${text.slice(0, 80)}'`);
  }
  return { pid, ppid: field(4), ticks };
}

/**
 * The processes of the trees rooted at `roots` (each root and every descendant, by parent pid) among
 * `processes` (one entry per live process), each once (a root listed twice or inside another root's tree too).
 */
export function processTrees(
  processes: readonly ProcessCpuTimes[],
  roots: readonly number[],
): ProcessCpuTimes[] {
  const children = new Map<number, ProcessCpuTimes[]>();
  const byPid = new Map<number, ProcessCpuTimes>();
  for (const p of processes) {
    byPid.set(p.pid, p);
    const list = children.get(p.ppid);
    if (list) list.push(p);
    else children.set(p.ppid, [p]);
  }
  const seen = new Set<number>();
  const stack = roots.filter((pid) => byPid.has(pid));
  const out: ProcessCpuTimes[] = [];
  while (stack.length > 0) {
    const pid = stack.pop()!;
    if (seen.has(pid)) continue;
    seen.add(pid);
    out.push(byPid.get(pid)!);
    for (const c of children.get(pid) ?? []) stack.push(c.pid);
  }
  return out;
}

/** CPU ticks of the process trees rooted at `roots` among `processes` (processTrees, summed). */
export function treeTicks(processes: readonly ProcessCpuTimes[], roots: readonly number[]): number {
  return processTrees(processes, roots).reduce((sum, p) => sum + p.ticks, 0);
}

/** /sys/devices/system/cpu/cpu0/cpufreq/scaling_governor → its name, or null for empty text. */
export function parseGovernor(text: string): string | null {
  const name = text.trim();
  return name.length > 0 ? name : null;
}

/** Mean of cpufreq `scaling_cur_freq` values (kHz, one text per CPU) in MHz; null when none parses. */
export function meanScalingFreqMHz(kHzTexts: readonly string[]): number | null {
  const mhz = kHzTexts.map((t) => Number(t.trim()) / 1000).filter((v) => Number.isFinite(v) && v > 0);
  return mhz.length ? mhz.reduce((a, b) => a + b, 0) / mhz.length : null;
}

/** Mean of /proc/cpuinfo's `cpu MHz` lines (x86; absent on most ARM kernels → null). */
export function meanCpuInfoMHz(cpuinfo: string): number | null {
  const mhz = [...cpuinfo.matchAll(/^cpu MHz\s*:\s*([\d.]+)/gm)]
    .map((m) => Number(m[1]))
    .filter((v) => Number.isFinite(v) && v > 0);
  return mhz.length ? mhz.reduce((a, b) => a + b, 0) / mhz.length : null;
}

/** What one snapshot of the machine holds; two of them make a reading (readingBetween). */
export interface MachineSnapshot {
  /** Monotonic time of the snapshot, ms (performance.now()). */
  readonly atMs: number;
  readonly cpu: MachineCpuTimes;
  /** treeTicks of the measured process trees at that moment. */
  readonly measuredTicks: number;
  readonly loadAverage1m: number;
  readonly governor: string | null;
  readonly clockMHz: number | null;
}

/**
 * The reading over the interval from `a` to `b` (b later): other processes' CPU share and steal share of all
 * CPU time of the interval, and `b`'s load average, governor and clock.
 *
 * otherCpuShare = (Δbusy − Δmeasured) / Δtotal, where Δtotal (all CPU time of the interval) is CPUs × wall
 * as the kernel counted it, in the same ticks as the process times; clamped to [0, 1] because tick rounding
 * (1 tick = 10 ms per CPU) and a measured process that leaves the tree (re-parented elsewhere) can push the
 * difference slightly out. stealShare = Δsteal / Δtotal. An interval with no ticks gives 0 for both.
 */
export function readingBetween(a: MachineSnapshot, b: MachineSnapshot): SystemReading {
  const total = b.cpu.total - a.cpu.total;
  const clamp = (x: number): number => Math.min(1, Math.max(0, x));
  const other =
    total > 0 ? clamp((b.cpu.busy - a.cpu.busy - (b.measuredTicks - a.measuredTicks)) / total) : 0;
  const steal = total > 0 ? clamp((b.cpu.steal - a.cpu.steal) / total) : 0;
  return {
    loadAverage1m: b.loadAverage1m,
    otherCpuShare: other,
    stealShare: steal,
    intervalS: Math.max(0, (b.atMs - a.atMs) / 1000),
    governor: b.governor,
    clockMHz: b.clockMHz,
  };
}

/** NVML's view of a GPU, as SystemReading.gpu records it. */
export type GpuReading = NonNullable<SystemReading['gpu']>;

/** Bits of NVML's clocks_throttle_reasons.active (nvml.h, nvmlClocksThrottleReason*). */
const THROTTLE_BITS: readonly [number, string][] = [
  [0x1, 'gpu_idle'],
  [0x2, 'applications_clocks_setting'],
  [0x4, 'sw_power_cap'],
  [0x8, 'hw_slowdown'],
  [0x10, 'sync_boost'],
  [0x20, 'sw_thermal_slowdown'],
  [0x40, 'hw_thermal_slowdown'],
  [0x80, 'hw_power_brake_slowdown'],
  [0x100, 'display_clock_setting'],
];

/**
 * The first line of `nvidia-smi --query-gpu=clocks.sm,temperature.gpu,clocks_throttle_reasons.active
 * --format=csv,noheader,nounits` (e.g. `1980, 41, 0x0000000000000004`) → SM clock (MHz), temperature (°C)
 * and the names of the active throttle reasons. Fields nvidia-smi cannot read ('[N/A]') are null; a line
 * that is not three fields gives null.
 */
export function parseNvidiaSmiQuery(text: string): GpuReading | null {
  const fields = (text.split('\n')[0] ?? '').split(',').map((s) => s.trim());
  if (fields.length !== 3) return null;
  const num = (s: string): number | null => (s !== '' && Number.isFinite(Number(s)) ? Number(s) : null);
  const mask = /^0x[0-9a-f]+$/i.test(fields[2]!) ? Number.parseInt(fields[2]!, 16) : null;
  return {
    smClockMHz: num(fields[0]!),
    temperatureC: num(fields[1]!),
    throttleReasons:
      mask === null ? [] : THROTTLE_BITS.filter(([bit]) => (mask & bit) !== 0).map(([, n]) => n),
  };
}
