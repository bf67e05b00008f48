import { resolve } from 'node:path';
import { ConfigError } from '@unet3d/core';
import { detectCpuFeatures } from '@unet3d/native';
import { execa } from 'execa';
import { cheapUnavailability } from '../../backends.js';
import { watchdogFor } from './parent-watchdog.js';
import type { RowJob } from './row-job.js';

/** The CPU tuned backend whose rows get a time-boxed tune first when this CPU has no tuning log. */
export const TUNED_CPU_BACKEND = 'tvm-cpu';

/** Default time box of the pre-bench tune: at most 3 minutes on 2 cores. */
export const DEFAULT_TUNE_BUDGET_S = 180;

/**
 * Parse a duration: `0` (no tune), a number of seconds (`90`), or units `h`, `m`, `s` in that order
 * (`3m`, `90s`, `1h30m`), the forms `unet3d tune --time-limit` reads. Returns seconds.
 */
export function parseDurationSeconds(value: string, what = '--tune-budget'): number {
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text);
  const m = /^(?:(\d+(?:\.\d+)?)h)?(?:(\d+(?:\.\d+)?)m)?(?:(\d+(?:\.\d+)?)s)?$/.exec(text);
  if (!text || !m || (m[1] === undefined && m[2] === undefined && m[3] === undefined)) {
    throw new ConfigError(`${what}: cannot read '${value}'`, 'give a duration such as 3m, 90s, 1h30m, or 0');
  }
  return Number(m[1] ?? 0) * 3600 + Number(m[2] ?? 0) * 60 + Number(m[3] ?? 0);
}

type TuningLogsModule = typeof import('@unet3d/backend-tvm/tuning-logs');

/**
 * The tuning-log finder of @unet3d/backend-tvm (folders only: no compiler, no backend), or undefined where
 * that optional package is not installed (then no row can run on tvm-cpu either).
 */
export async function tuningLogFinder(): Promise<TuningLogsModule | undefined> {
  try {
    return await import('@unet3d/backend-tvm/tuning-logs');
  } catch {
    return undefined;
  }
}

/**
 * Where row 4 finds this CPU identity's tuning logs: the `--results` root when it holds them (or is the
 * default), else the checkout's default `results/` when that holds them (`bench --results /tmp/x` still applies
 * the committed log of this identity), else the `--results` root (where a pre-tune then writes).
 */
export async function tuningRootFor(resultsRoot: string, defaultRoot = 'results'): Promise<string> {
  const finder = await tuningLogFinder();
  if (!finder || resolve(resultsRoot) === resolve(defaultRoot)) return resultsRoot;
  const slug = detectCpuFeatures().slug;
  if (finder.tuningLogsOf(resultsRoot, slug).length > 0) return resultsRoot;
  return finder.tuningLogsOf(defaultRoot, slug).length > 0 ? defaultRoot : resultsRoot;
}

/**
 * The first of these jobs whose row will run on the tuned CPU backend: its first candidate that is not
 * ruled out without loading anything (a CUDA backend with no NVIDIA driver) is `tvm-cpu`. With a driver,
 * `tvm` comes first and the row is not expected on the CPU.
 */
export function jobOnTunedCpu(jobs: readonly RowJob[]): RowJob | undefined {
  return jobs.find(
    (job) => job.candidates.find((c) => cheapUnavailability(c) === null) === TUNED_CPU_BACKEND,
  );
}

export type PreTunePlan =
  | { readonly kind: 'none' }
  | { readonly kind: 'skip'; readonly note: string }
  | {
      readonly kind: 'tune';
      readonly job: RowJob;
      /** This CPU's identity slug and its (empty) folder of tuning logs. */
      readonly slug: string;
      readonly logDir: string;
      readonly budgetS: number;
    };

/**
 * Whether a tune must run before the rows: a row on tvm-cpu, no log for this CPU's identity (another
 * identity's log never counts: it may only seed the tune), a budget > 0, and no `--tuning-from` (which
 * applies the named identity's log instead; a name without logs is a ConfigError, before anything runs).
 */
export async function planPreTune(
  jobs: readonly RowJob[],
  resultsRoot: string,
  budgetS: number,
  tuningFrom?: string,
): Promise<PreTunePlan> {
  const finder = await tuningLogFinder();
  if (tuningFrom !== undefined) {
    if (!finder)
      throw new ConfigError(
        '--tuning-from needs @unet3d/backend-tvm',
        'install it, or leave --tuning-from out',
      );
    finder.tuningFromLogs(resultsRoot, tuningFrom);
  }
  const job = jobOnTunedCpu(jobs);
  if (!job || !finder) return { kind: 'none' };
  if (tuningFrom !== undefined) {
    return {
      kind: 'skip',
      note: `Row ${job.row.id}: --tuning-from ${tuningFrom}: ${TUNED_CPU_BACKEND} applied that CPU's tuning log (configs measured there, not here); no tune ran.`,
    };
  }
  const slug = detectCpuFeatures().slug;
  const logDir = finder.cpuTuningDir(resultsRoot, slug);
  if (finder.tuningLogsIn(logDir).length > 0) return { kind: 'none' };
  if (budgetS <= 0) {
    return {
      kind: 'skip',
      note: `Row ${job.row.id}: no tuning log for this CPU (${slug}) in ${logDir} and --tune-budget 0: ${TUNED_CPU_BACKEND} ran its untuned fallback configs.`,
    };
  }
  return { kind: 'tune', job, slug, logDir, budgetS };
}

/**
 * The `unet3d tune` arguments of a pre-bench tune: the row's model, patch and batch, within the budget, on
 * the weighted schedule (every task's fallback timed once, then trials where the iteration spends its time;
 * the nearest identity's best configs that are valid here re-measured first).
 */
export function preTuneArgs(plan: Extract<PreTunePlan, { kind: 'tune' }>, resultsRoot: string): string[] {
  const { job } = plan;
  return [
    'tune',
    '--target',
    'cpu',
    '--model',
    job.row.model,
    '--time-limit',
    `${Math.max(1, Math.round(plan.budgetS))}s`,
    '--schedule',
    'weighted',
    '--input',
    job.patch.join(','),
    '--batch',
    String(job.batch),
    '--results',
    resultsRoot,
  ];
}

export interface PreTuneResult {
  readonly ok: boolean;
  /** One line for the results' notes: what ran, how it ended, where the logs are. */
  readonly note: string;
}

/** The line of a failed command's stderr that says why: its last error line, else its last line. */
function failureLine(text: string): string {
  const lines = text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  return lines.filter((l) => /\berror\b/i.test(l)).pop() ?? lines.pop() ?? '';
}

/**
 * Run `unet3d tune` in a child process (this CLI, same Node and loader flags; it dies with this process),
 * its progress shown on this process's stderr. Never throws: a missing or failing tune command is a note
 * (the row then runs what its candidates give: tvm-cpu's fallback configs, or the next backend).
 */
export interface PreTuneOptions {
  readonly signal?: AbortSignal;
  readonly env?: Record<string, string>;
  /** Node arguments that start this CLI (default: this process's loader flags and entry point). */
  readonly cli?: readonly string[];
}

export async function runPreTune(
  plan: Extract<PreTunePlan, { kind: 'tune' }>,
  resultsRoot: string,
  options: PreTuneOptions = {},
): Promise<PreTuneResult> {
  const args = preTuneArgs(plan, resultsRoot);
  const shown = `unet3d ${args.join(' ')}`;
  const bin = process.argv[1];
  const where = `Row ${plan.job.row.id}: no tuning log for this CPU (${plan.slug}) in ${plan.logDir}`;
  const cli = options.cli ?? (bin ? [...process.execArgv, bin] : undefined);
  if (!cli) return { ok: false, note: `${where}; the tune could not start (no CLI entry point)` };
  process.stderr.write(`${where}: tuning first, at most ${plan.budgetS} s (${shown})\n`);
  const watchdog = watchdogFor();
  const t0 = performance.now();
  // The tune stops starting trials at its time limit; in-flight builds and measurements then finish.
  const graceS = Math.max(60, plan.budgetS / 2);
  const r = await execa(process.execPath, [...watchdog.execArgv, ...cli, ...args], {
    reject: false,
    timeout: (plan.budgetS + graceS) * 1000,
    ...(options.signal ? { cancelSignal: options.signal } : {}),
    forceKillAfterDelay: 3000,
    env: { ...options.env, ...watchdog.env },
    stdin: 'ignore',
    stdout: 'pipe',
    stderr: ['pipe', 'inherit'],
  });
  const minutes = ((performance.now() - t0) / 60_000).toFixed(1);
  const stdout = typeof r.stdout === 'string' ? r.stdout : '';
  if (stdout) process.stderr.write(`${stdout.trimEnd()}\n`);
  if (r.exitCode === 0) {
    return {
      ok: true,
      note: `${where}: ran \`${shown}\` first (${minutes} min); ${TUNED_CPU_BACKEND} applied the best configs it logged.`,
    };
  }
  const how = r.isCanceled
    ? 'stopped by the interruption'
    : r.timedOut
      ? `timed out after ${Math.round(plan.budgetS + graceS)} s`
      : r.signal
        ? `killed by ${r.signal}`
        : `exited with code ${r.exitCode}`;
  const why = failureLine(typeof r.stderr === 'string' ? r.stderr : '');
  return {
    ok: false,
    note: `${where}; \`${shown}\` ${how}${why ? `: ${why}` : ''} (after ${minutes} min): the row ran on what its candidates gave without it.`,
  };
}
