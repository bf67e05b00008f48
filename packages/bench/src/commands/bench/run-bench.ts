import { type MathMode, Unet3dError } from '@unet3d/core';
import { DEFAULT_BATCH, DEFAULT_PATCH } from '@unet3d/paper';
import {
  type BenchRowInput,
  type BenchRunInput,
  type BenchSettings,
  RESULTS_SCHEMA_VERSION,
} from '@unet3d/results';
import { cudaChildEnvIfPresent } from '../../cuda-module.js';
import { probeNvidiaDriverHere } from '../../nvidia-driver.js';
import { MISSING_REASONS, missingRow, toResultsRow } from './assemble-run.js';
import { type BackendsOption, parseBackendsOption, selectRows } from './backend-plan.js';
import { BenchProgress } from './bench-progress.js';
import { DEFAULT_TUNE_BUDGET_S, planPreTune, runPreTune } from './cpu-pretune.js';
import { Interruption, isInterruptSignal } from './interruption.js';
import { measureRunCpuProfile } from './measured-cpu-profile.js';
import { BenchPeer } from './peer.js';
import { ResultsFile } from './results-file.js';
import { missingRowIds, planResume } from './resume.js';
import { assertRowGeometry } from './row-geometry.js';
import type { IterationCounts, RowJob, RowOutcome } from './row-job.js';
import { runRowInChild, sweepOrphanRowFolders } from './row-process.js';
import {
  type BaseProvenance,
  baseProvenance,
  clockOf,
  type DeviceInfo,
  deviceOf,
  runProvenance,
} from './run-provenance.js';
import { summaryTable } from './summary-table.js';

export interface BenchOptions {
  backends: string;
  rows?: string[];
  quick: boolean;
  input?: [number, number, number];
  batch?: number;
  iterations?: number;
  warmup?: number;
  profileIterations?: number;
  math: MathMode;
  seed: number;
  results: string;
  timeout: number;
  report: boolean;
  injectCrash?: string;
  /** `--peer`, `--python`: time the PyTorch peer after each row (peer.ts). */
  peer?: boolean;
  python?: string;
  /** Finish the run in this results file: measure only its rows still missing. */
  resume?: string;
  /** Time box (s) of the tune run first when a row will use tvm-cpu and this CPU has no log; 0: none. */
  tuneBudget?: number;
  /** Print the results path and a summary as JSON on stdout. */
  json?: boolean;
}

/** Exit code: a row failed (crashed, timed out) — or bad input (any command's one-line error). */
export const EXIT_ROW_FAILED = 1;
/** Exit code: no requested row could run here (every one is 'not-run', e.g. `--backends cudnn` without a GPU). */
export const EXIT_NO_ROW_RAN = 4;

const QUICK_PATCH: [number, number, number] = [16, 64, 64];

/**
 * One child job per selected row. Before anything runs, checks that every selected row's network can be
 * trained at the patch and batch (the checks its child would make: assertRowGeometry).
 */
export function planJobs(opts: BenchOptions, backends: BackendsOption): RowJob[] {
  const rows = selectRows(opts.rows);
  if (opts.injectCrash && !rows.some((r) => r.id === opts.injectCrash)) {
    throw new Unet3dError('CONFIG', `--inject-crash names no selected row: '${opts.injectCrash}'`);
  }
  const patch = opts.input ?? (opts.quick ? QUICK_PATCH : ([...DEFAULT_PATCH] as [number, number, number]));
  const batch = opts.batch ?? DEFAULT_BATCH;
  for (const row of rows) assertRowGeometry(row, patch, batch);
  const counts: Partial<IterationCounts> = {
    ...(opts.iterations !== undefined ? { iterations: opts.iterations } : {}),
    ...(opts.warmup !== undefined ? { warmupIterations: opts.warmup } : {}),
    ...(opts.profileIterations !== undefined ? { profileIterations: opts.profileIterations } : {}),
  };
  return rows.map((row) => ({
    row,
    candidates: backends.candidates[row.paperImplementation],
    mathMode: opts.math,
    patch,
    batch,
    counts,
    quick: opts.quick,
    seed: opts.seed,
    resultsRoot: opts.results,
    ...(opts.injectCrash === row.id ? { injectCrash: true } : {}),
  }));
}

/** What the results file must say about the backends: chosen how, and what fell back to what. */
export function backendNotes(
  backends: BackendsOption,
  jobs: readonly RowJob[],
  rows: readonly BenchRowInput[],
) {
  const notes: string[] = [];
  if (backends.kind === 'explicit') {
    const c = backends.candidates;
    notes.push(
      `Backends chosen by --backends: cuDNN rows → '${c['pytorch-cudnn'].join("', '")}', TVM row → '${c.tvm.join("', '")}'.`,
    );
  }
  rows.forEach((row, i) => {
    const job = jobs[i]!;
    if (row.status === 'ok' && row.backend !== job.candidates[0]) {
      const tried = job.candidates.slice(0, job.candidates.indexOf(row.backend));
      const failures = row.backendDetails?.['resolutionFailures'] as
        | { name: string; reason: string }[]
        | undefined;
      const why = failures?.length
        ? failures.map((f) => `${f.name}: ${f.reason}`).join('; ')
        : tried.join(', ');
      notes.push(
        `Row ${row.id} ran on '${row.backend}' (${row.backendDevice}), not '${job.candidates[0]}': ${why}`,
      );
    }
  });
  const backendOf = (impl: string) =>
    new Set(rows.filter((r) => r.paperImplementation === impl && r.status === 'ok').map((r) => r.backend));
  const [cudnnRows, tvmRows] = [backendOf('pytorch-cudnn'), backendOf('tvm')];
  if (tvmRows.size === 1 && cudnnRows.size === 1 && [...tvmRows][0] === [...cudnnRows][0]) {
    notes.push(`Every row ran on '${[...tvmRows][0]}': rows 3 and 4 therefore measure the same thing here.`);
  }
  return notes;
}

/** A run as it stands: every requested row (measured, failed, not run, or still missing) and its settings. */
interface RunState {
  readonly backends: BackendsOption;
  /** One job per requested row, in order; `rows[i]` is job i's row. */
  readonly jobs: RowJob[];
  readonly rows: BenchRowInput[];
  readonly settings: BenchSettings;
  readonly base: BaseProvenance;
  device: DeviceInfo | null;
  clock: string | null;
  /** Notes carried over from the file being resumed. */
  readonly inheritedNotes: string[];
  readonly sessionNotes: string[];
  readonly opts: BenchOptions;
}

function toRun(state: RunState): BenchRunInput {
  const first = state.jobs[0];
  return {
    schemaVersion: RESULTS_SCHEMA_VERSION,
    provenance: runProvenance({
      base: state.base,
      device: state.device,
      clock: state.clock,
      rows: state.rows,
      notes: [
        ...state.inheritedNotes,
        ...backendNotes(state.backends, state.jobs, state.rows),
        ...state.sessionNotes,
      ],
      patch: first?.patch ?? DEFAULT_PATCH,
      batch: first?.batch ?? DEFAULT_BATCH,
      precision: state.opts.math,
      seed: state.opts.seed,
      settings: state.settings,
    }),
    rows: state.rows,
  };
}

/** Once the first row is measured, every later row runs with its counts (one count per results file). */
function fixFirstMeasurement(state: RunState, outcome: RowOutcome): void {
  if (state.settings.counts) return;
  (state.settings as { counts?: IterationCounts }).counts = { ...outcome.counts };
  state.device = deviceOf(outcome);
  state.clock = clockOf(outcome.backendDevice);
}

function jobWithFixedCounts(state: RunState, job: RowJob): RowJob {
  return state.settings.counts ? { ...job, counts: state.settings.counts } : job;
}

/** Build the state of a fresh run (every row pending) or of the file being resumed. */
async function initialState(
  opts: BenchOptions,
  given: ReadonlySet<string>,
): Promise<{ state: RunState; toMeasure: number[]; file: ResultsFile }> {
  if (opts.resume) {
    const plan = await planResume(opts.resume, opts, given);
    const o = plan.options;
    const backends = parseBackendsOption(o.backends);
    const jobs = planJobs(o, backends);
    const missing = new Set(missingRowIds(plan.run));
    const p = plan.run.provenance;
    const anyOk = plan.run.rows.some((r) => r.status === 'ok');
    const rows = jobs.map(
      (job) => plan.run.rows.find((r) => r.id === job.row.id) ?? missingRow(job, 'pending'),
    );
    const toMeasure = jobs.flatMap((job, i) =>
      missing.has(job.row.id) || !plan.run.rows.some((r) => r.id === job.row.id) ? [i] : [],
    );
    for (const i of toMeasure) rows[i] = missingRow(jobs[i]!, 'pending');
    const state: RunState = {
      backends,
      jobs,
      rows,
      settings: { ...p.bench!, ...(p.bench?.counts ? { counts: { ...p.bench.counts } } : {}) },
      base: {
        date: p.date,
        gitCommit: p.gitCommit,
        gitDirty: p.gitDirty,
        command: p.command,
        host: p.host,
        packages: p.packages,
      },
      device: anyOk ? p.device : null,
      clock: anyOk ? p.timing.clock : null,
      inheritedNotes: p.notes.filter((n) => !n.startsWith('Interrupted by ')),
      sessionNotes: [],
      opts: o,
    };
    if (toMeasure.length) {
      const resumedBase = await baseProvenance(new Date());
      state.sessionNotes.push(
        `Resumed ${resumedBase.date} at commit ${resumedBase.gitCommit ?? 'unknown'}${resumedBase.gitDirty ? ' (uncommitted changes)' : ''} (\`${resumedBase.command.join(' ')}\`): rows ${toMeasure.map((i) => jobs[i]!.row.id).join(', ')} measured then.`,
      );
    }
    return { state, toMeasure, file: new ResultsFile(o.results, plan.path) };
  }
  const backends = parseBackendsOption(opts.backends);
  const jobs = planJobs(opts, backends);
  const requested: BenchSettings['requested'] = {
    ...(opts.iterations !== undefined ? { iterations: opts.iterations } : {}),
    ...(opts.warmup !== undefined ? { warmupIterations: opts.warmup } : {}),
    ...(opts.profileIterations !== undefined ? { profileIterations: opts.profileIterations } : {}),
  };
  const state: RunState = {
    backends,
    jobs,
    rows: jobs.map((job) => missingRow(job, 'pending')),
    settings: { rows: jobs.map((j) => j.row.id), backends: opts.backends, quick: opts.quick, requested },
    base: await baseProvenance(new Date()),
    device: null,
    clock: null,
    inheritedNotes: [],
    sessionNotes: opts.quick && jobs[0] ? [`Quick smoke run: patch ${jobs[0].patch.join('×')}.`] : [],
    opts,
  };
  return { state, toMeasure: jobs.map((_, i) => i), file: new ResultsFile(opts.results) };
}

/**
 * Measure the rows `toMeasure`, each in its own child process, one after the other; after each, the
 * results file is rewritten. A signal stops the running child and leaves the rest 'not-run', reason
 * 'interrupted'.
 */
async function measureRows(
  state: RunState,
  toMeasure: readonly number[],
  file: ResultsFile,
  interruption: Interruption,
  env: Record<string, string>,
  peer?: BenchPeer,
): Promise<void> {
  const progress = new BenchProgress(toMeasure.length);
  try {
    for (const i of toMeasure) {
      if (interruption.signal) break;
      const job = jobWithFixedCounts(state, state.jobs[i]!);
      progress.startRow(job.row.id, job.candidates.join('|'));
      const result = await runRowInChild(job, {
        timeoutMs: state.opts.timeout * 1000,
        env,
        signal: interruption.abortSignal,
        onProgress: (phase, done, total) => progress.update(phase, done, total),
      });
      // A Ctrl-C to the process group reaches the child too, and it may die before this process hears it.
      if (result.kind === 'crashed' && isInterruptSignal(result.signal)) {
        const own = await interruption.settle(500);
        if (own) {
          state.rows[i] = missingRow(job, 'interrupted', result.resolved);
          break;
        }
      }
      if (result.kind === 'interrupted') {
        state.rows[i] = missingRow(job, 'interrupted', result.resolved);
        break;
      }
      const ours = toResultsRow(job, result);
      const row = peer ? await peer.attach(job, ours) : ours; // --peer: the PyTorch peer, right after our row
      state.rows[i] = row;
      if (result.kind === 'outcome' && result.outcome.status === 'ok') {
        fixFirstMeasurement(state, result.outcome);
      }
      progress.endRow(row);
      await file.write(toRun(state));
    }
  } finally {
    progress.stop();
  }
}

/** The exit code a finished (not interrupted) run's rows give. */
export function exitCodeOfRows(rows: readonly BenchRowInput[]): number {
  if (rows.some((r) => r.status === 'failed')) return EXIT_ROW_FAILED;
  if (rows.length > 0 && rows.every((r) => r.status === 'not-run')) return EXIT_NO_ROW_RAN;
  return 0;
}

/** The `--json` summary: where the results went and each row's outcome. */
function jsonSummary(
  path: string,
  report: string | null,
  exitCode: number,
  interrupted: string | null,
  rows: readonly BenchRowInput[],
) {
  return {
    results: path,
    report,
    exitCode,
    interrupted,
    rows: rows.map((r) => ({
      id: r.id,
      status: r.status,
      backend: r.backend,
      backendDevice: r.backendDevice,
      samples: r.samplesMs.length,
      medianMs: r.medianMs ?? null,
      gflopPerSecond: r.gflopPerSecond?.macAsOneOp ?? null,
      ...(r.reason ? { reason: r.reason } : {}),
    })),
  };
}

/**
 * Run the selected rows, each in its own process (or, with `--resume FILE`, the rows that file still
 * lacks), writing the results file after every row, then the report. SIGINT / SIGTERM / SIGHUP stop the
 * running row and leave a valid file (rows not measured: 'not-run', reason 'interrupted'); the exit code is
 * then 128 + the signal's number. `given`: the option keys given on the command line (for --resume).
 */
export async function runBench(opts: BenchOptions, given: ReadonlySet<string> = new Set()): Promise<number> {
  await sweepOrphanRowFolders();
  const { state, toMeasure, file } = await initialState(opts, given);
  const interruption = new Interruption();
  try {
    if (toMeasure.length === 0) {
      process.stderr.write(`nothing to resume: every row of ${opts.resume} has an outcome\n`);
    }
    // Only a machine with an NVIDIA driver needs the CUDA libraries' folders in a child's environment.
    const env = probeNvidiaDriverHere().present ? await cudaChildEnvIfPresent() : {};
    const tuneBudget = state.opts.tuneBudget ?? DEFAULT_TUNE_BUDGET_S;
    const preTune = planPreTune(
      toMeasure.map((i) => state.jobs[i]!),
      state.opts.results,
      tuneBudget,
    );
    if (preTune.kind === 'skip') state.sessionNotes.push(preTune.note);
    if (preTune.kind === 'tune' && !interruption.signal) {
      const tuned = await runPreTune(preTune, state.opts.results, { signal: interruption.abortSignal, env });
      state.sessionNotes.push(tuned.note);
    }
    const peer = await BenchPeer.open(state.opts); // --peer (peer.ts); undefined without it or without torch
    await measureRows(state, toMeasure, file, interruption, env, peer);
    if (peer) state.sessionNotes.push(...peer.notes());
    const signal = interruption.signal;
    // The CPU's roofs (peak, bandwidth), once per run, in this process after the rows (not competing with one).
    if (!signal && state.device?.kind === 'cpu' && !('measured' in state.device && state.device.measured)) {
      const { measured, note } = await measureRunCpuProfile();
      state.device = { ...state.device, measured };
      if (note) state.sessionNotes.push(note);
    }
    if (signal) {
      for (const [i, row] of state.rows.entries()) {
        if (row.status === 'not-run' && MISSING_REASONS.includes(row.reason ?? '')) {
          state.rows[i] = missingRow(state.jobs[i]!, 'interrupted', {
            backend: row.backend,
            backendDevice: row.backendDevice,
          });
        }
      }
      const missing = state.rows.filter((r) => r.reason === 'interrupted').length;
      state.sessionNotes.push(
        `Interrupted by ${signal}: ${missing} of ${state.rows.length} rows not measured ('not-run', reason 'interrupted'); \`unet3d bench --resume <this file>\` measures them.`,
      );
    }
    const path = await file.write(toRun(state));
    if (signal) process.stderr.write(`results so far: ${path}\nresume with: unet3d bench --resume ${path}\n`);
    let report: string | null = null;
    if (state.opts.report && !signal) {
      const { writeReportFor } = await import('./write-report-for.js');
      report = await writeReportFor(path, state.opts.results);
    }
    // A signal during the report still ends the run with its code (the results file is complete).
    const code = interruption.exitCode() ?? exitCodeOfRows(state.rows);
    if (opts.json) {
      process.stdout.write(
        `${JSON.stringify(jsonSummary(path, report, code, signal, state.rows), null, 2)}\n`,
      );
    } else {
      process.stdout.write(`${summaryTable(state.rows)}\nresults: ${path}\n`);
      if (report) process.stdout.write(`report: ${report}\n`);
    }
    if (code === EXIT_NO_ROW_RAN) {
      process.stderr.write(
        `unet3d: no requested row could run here (every one is 'not-run'; reasons in ${path}) — exit ${EXIT_NO_ROW_RAN}\n`,
      );
    }
    return code;
  } finally {
    interruption.dispose();
  }
}
