import { measureQuietly } from '@unet3d/native';
import type { BenchRowInput } from '@unet3d/results';
import { cudaChildEnvIfPresent } from '../../cuda-module.js';
import { probeNvidiaDriverHere } from '../../nvidia-driver.js';
import { MISSING_REASONS, missingRow, toResultsRow } from './assemble-run.js';
import { BenchProgress } from './bench-progress.js';
import { busyMachineWarnings } from './busy-machine-warnings.js';
import { DEFAULT_TUNE_BUDGET_S, planPreTune, runPreTune, tuningRootFor } from './cpu-pretune.js';
import { Interruption, isInterruptSignal } from './interruption.js';
import { measureRunCpuProfile } from './measured-cpu-profile.js';
import { BenchPeer } from './peer.js';
import type { ResultsFile } from './results-file.js';
import { runRowInChild, sweepOrphanRowFolders } from './row-process.js';
import type { BenchOptions } from './run-plan.js';
import { fixFirstMeasurement, initialState, jobWithFixedCounts, type RunState, toRun } from './run-state.js';
import { summaryTable } from './summary-table.js';

/** Exit code: a row failed (crashed, timed out) — or bad input (any command's one-line error). */
export const EXIT_ROW_FAILED = 1;
/** Exit code: no requested row could run here (every one is 'not-run', e.g. `--backends cudnn` without a GPU). */
export const EXIT_NO_ROW_RAN = 4;

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
  gpu: boolean,
  peer?: BenchPeer,
): Promise<void> {
  const progress = new BenchProgress(toMeasure.length);
  try {
    for (const i of toMeasure) {
      if (interruption.signal) break;
      const job = jobWithFixedCounts(state, state.jobs[i]!);
      progress.startRow(job.row.id, job.candidates.join('|'));
      // The bench's own process tree (this process and the row's child) is what is measured; the rest of
      // the machine is other work (quietness of the row).
      const watched = await measureQuietly(
        () =>
          runRowInChild(job, {
            timeoutMs: state.opts.timeout * 1000,
            env,
            signal: interruption.abortSignal,
            onProgress: (phase, done, total) => progress.update(phase, done, total),
          }),
        { pids: [process.pid], gpu },
      );
      const result = watched.value;
      if (watched.note) state.sessionNotes.push(`${watched.note}.`);
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
      const ours = toResultsRow(job, result, watched.quietness);
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
    const gpu = probeNvidiaDriverHere().present;
    const env = gpu ? await cudaChildEnvIfPresent() : {};
    const tuneBudget = state.opts.tuneBudget ?? DEFAULT_TUNE_BUDGET_S;
    const tuningRoot = await tuningRootFor(state.opts.results);
    if (tuningRoot !== state.opts.results) {
      for (const [i, job] of state.jobs.entries()) state.jobs[i] = { ...job, resultsRoot: tuningRoot };
      state.sessionNotes.push(
        `Tuning logs of this CPU read from ${tuningRoot}/tuning (none under --results ${state.opts.results}).`,
      );
    }
    const preTune = await planPreTune(
      toMeasure.map((i) => state.jobs[i]!),
      tuningRoot,
      tuneBudget,
      state.opts.tuningFrom,
    );
    if (preTune.kind === 'skip') state.sessionNotes.push(preTune.note);
    if (preTune.kind === 'tune' && !interruption.signal) {
      const tuned = await runPreTune(preTune, tuningRoot, { signal: interruption.abortSignal, env });
      state.sessionNotes.push(tuned.note);
    }
    const peer = await BenchPeer.open(state.opts); // --peer (peer.ts); undefined without it or without torch
    await measureRows(state, toMeasure, file, interruption, env, gpu, peer);
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
    for (const line of busyMachineWarnings(toRun(state))) process.stderr.write(`${line}\n`);
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
