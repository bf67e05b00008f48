import { execFile } from 'node:child_process';
import { accessSync, constants, readdirSync, readFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import {
  type GpuReading,
  type MachineSnapshot,
  meanCpuInfoMHz,
  meanScalingFreqMHz,
  type ProcessCpuTimes,
  parseGovernor,
  parseLoadAverage,
  parseNvidiaSmiQuery,
  parseProcessStat,
  parseProcStat,
  processTrees,
} from './system-readings.js';

/**
 * Why machine readings cannot be taken here (null when they can): they need Linux's /proc/stat,
 * /proc/loadavg and /proc/<pid>/stat. Elsewhere (macOS, Windows) there is nothing to read them from.
 */
export function systemReadingsUnavailable(): string | null {
  if (process.platform !== 'linux')
    return `machine load is read from Linux's /proc; this is ${process.platform}`;
  try {
    parseProcStat(readFileSync('/proc/stat', 'utf8'));
    parseLoadAverage(readFileSync('/proc/loadavg', 'utf8'));
    parseProcessStat(readFileSync(`/proc/${process.pid}/stat`, 'utf8'));
    return null;
  } catch (err) {
    return `cannot read /proc (${(err as Error).message})`;
  }
}

/** Every live process's CPU times (processes that end while the folder is read are skipped). */
export function readProcesses(): ProcessCpuTimes[] {
  const out: ProcessCpuTimes[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      out.push(parseProcessStat(readFileSync(`/proc/${name}/stat`, 'utf8')));
    } catch {
      // Gone between the listing and the read, or not ours to read: it cannot be in a measured tree.
    }
  }
  return out;
}

let childrenFiles: boolean | undefined;

/** Whether this kernel lists each task's children in /proc/<pid>/task/<tid>/children (CONFIG_PROC_CHILDREN). */
function hasChildrenFiles(): boolean {
  childrenFiles ??= readOr(`/proc/self/task/${process.pid}/children`) !== null;
  return childrenFiles;
}

/** Children of `pid` from its tasks' children files (a child belongs to the thread that started it). */
function childrenOf(pid: number): number[] {
  const out: number[] = [];
  let tasks: string[];
  try {
    tasks = readdirSync(`/proc/${pid}/task`);
  } catch {
    return out;
  }
  for (const tid of tasks) {
    for (const c of (readOr(`/proc/${pid}/task/${tid}/children`) ?? '').split(/\s+/)) {
      if (c) out.push(Number(c));
    }
  }
  return out;
}

/**
 * The processes of the trees rooted at `roots` (each root and its descendants), each once. 'children' walks
 * the trees through /proc/<pid>/task/<tid>/children (reads grow with the trees, not with the machine: a
 * large server runs thousands of processes); 'scan' reads every process's stat and follows parent pids, the
 * fallback where the kernel has no children files. Default: 'children' where available.
 */
export function readProcessTrees(roots: readonly number[], how?: 'children' | 'scan'): ProcessCpuTimes[] {
  if ((how ?? (hasChildrenFiles() ? 'children' : 'scan')) === 'scan') {
    return processTrees(readProcesses(), roots);
  }
  const out: ProcessCpuTimes[] = [];
  const seen = new Set<number>();
  const stack = [...roots];
  while (stack.length > 0) {
    const pid = stack.pop()!;
    if (seen.has(pid)) continue;
    seen.add(pid);
    try {
      out.push(parseProcessStat(readFileSync(`/proc/${pid}/stat`, 'utf8')));
    } catch {
      continue; // gone: its time is in its parent's cutime once reaped
    }
    stack.push(...childrenOf(pid));
  }
  return out;
}

function readOr(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}

/** cpu0's cpufreq governor and the mean current clock (cpufreq, else /proc/cpuinfo); null where unreadable. */
export function readClock(cpus: number): { governor: string | null; clockMHz: number | null } {
  const governor = parseGovernor(readOr('/sys/devices/system/cpu/cpu0/cpufreq/scaling_governor') ?? '');
  const freqs: string[] = [];
  for (let i = 0; i < cpus; i++) {
    const t = readOr(`/sys/devices/system/cpu/cpu${i}/cpufreq/scaling_cur_freq`);
    if (t !== null) freqs.push(t);
  }
  const clockMHz = meanScalingFreqMHz(freqs) ?? meanCpuInfoMHz(readOr('/proc/cpuinfo') ?? '');
  return { governor, clockMHz };
}

/**
 * A snapshot of the machine now: /proc/stat's CPU times, the CPU ticks of the process trees rooted at `roots`
 * (each root and its descendants: readProcessTrees), the load average and the clock. Synchronous (under a
 * millisecond for a bench's tree of two processes). Throws when /proc cannot be read
 * (systemReadingsUnavailable says why).
 */
export function takeSnapshot(roots: readonly number[]): MachineSnapshot {
  const cpu = parseProcStat(readFileSync('/proc/stat', 'utf8'));
  const measuredTicks = readProcessTrees(roots).reduce((sum, p) => sum + p.ticks, 0);
  const atMs = performance.now();
  return {
    atMs,
    cpu,
    measuredTicks,
    loadAverage1m: parseLoadAverage(readFileSync('/proc/loadavg', 'utf8')),
    ...readClock(cpu.cpus),
  };
}

function onPath(program: string): string | null {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const p = join(dir, program);
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch {}
  }
  return null;
}

/**
 * NVML's view of the first GPU through `nvidia-smi` (SM clock, temperature, active clock-throttle reasons),
 * or null when nvidia-smi is not on PATH, fails, or takes over 3 s. Never throws.
 */
export function readGpu(): Promise<GpuReading | null> {
  const smi = onPath('nvidia-smi');
  if (!smi) return Promise.resolve(null);
  const query = '--query-gpu=clocks.sm,temperature.gpu,clocks_throttle_reasons.active';
  return new Promise((resolve) => {
    execFile(smi, [query, '--format=csv,noheader,nounits'], { timeout: 3000 }, (err, stdout) => {
      resolve(err ? null : parseNvidiaSmiQuery(String(stdout)));
    });
  });
}
