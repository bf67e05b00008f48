import { type MathMode, Unet3dError } from '@unet3d/core';
import { buildNetwork } from '@unet3d/model';
import { DEFAULT_BATCH, DEFAULT_PATCH } from '@unet3d/paper';
import { type BenchRowInput, RESULTS_SCHEMA_VERSION, writeRunToResultsDir } from '@unet3d/results';
import { cudaChildEnvIfPresent } from '../../cuda-module.js';
import { toResultsRow } from './assemble-run.js';
import { type BackendsOption, parseBackendsOption, selectRows } from './backend-plan.js';
import { BenchProgress } from './bench-progress.js';
import { BenchPeer } from './peer.js';
import type { IterationCounts, RowJob, RowOutcome } from './row-job.js';
import { runRowInChild } from './row-process.js';
import { runProvenance } from './run-provenance.js';
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
}

const QUICK_PATCH: [number, number, number] = [16, 64, 64];

/** One child job per selected row; validates the patch for every network before anything runs. */
export function planJobs(opts: BenchOptions, backends: BackendsOption): RowJob[] {
  const rows = selectRows(opts.rows);
  if (opts.injectCrash && !rows.some((r) => r.id === opts.injectCrash)) {
    throw new Unet3dError('CONFIG', `--inject-crash names no selected row: '${opts.injectCrash}'`);
  }
  const patch = opts.input ?? (opts.quick ? QUICK_PATCH : ([...DEFAULT_PATCH] as [number, number, number]));
  const batch = opts.batch ?? DEFAULT_BATCH;
  for (const row of rows) buildNetwork({ model: row.model, input: patch, batch });
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
    ...(opts.injectCrash === row.id ? { injectCrash: true } : {}),
  }));
}

interface RowsRun {
  readonly rows: BenchRowInput[];
  /** Outcomes of the rows that were measured ('ok'), in row order. */
  readonly outcomes: RowOutcome[];
}

/** Run each job in its own child process, one after the other, with a progress display. */
async function runJobs(jobs: readonly RowJob[], timeoutS: number, peer?: BenchPeer): Promise<RowsRun> {
  const env = await cudaChildEnvIfPresent();
  const progress = new BenchProgress(jobs.length);
  const rows: BenchRowInput[] = [];
  const outcomes: RowOutcome[] = [];
  for (const job of jobs) {
    progress.startRow(job.row.id, job.candidates.join('|'));
    const result = await runRowInChild(job, {
      timeoutMs: timeoutS * 1000,
      env,
      onProgress: (phase, done, total) => progress.update(phase, done, total),
    });
    const row = toResultsRow(job, result);
    progress.endRow(row);
    rows.push(peer ? await peer.attach(job, row) : row); // --peer: the PyTorch peer, right after our row
    if (result.kind === 'outcome' && result.outcome.status === 'ok') outcomes.push(result.outcome);
  }
  progress.stop();
  return { rows, outcomes };
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

/** Run the selected rows, each in its own process, then write the results file and the report. */
export async function runBench(opts: BenchOptions): Promise<number> {
  const started = new Date();
  const backends = parseBackendsOption(opts.backends);
  const jobs = planJobs(opts, backends);
  const peer = await BenchPeer.open(opts); // --peer (peer.ts); undefined without it or without torch
  const { rows, outcomes } = await runJobs(jobs, opts.timeout, peer);
  const notes = backendNotes(backends, jobs, rows);
  if (peer) notes.push(...peer.notes());
  const first = jobs[0];
  if (opts.quick && first) notes.push(`Quick smoke run: patch ${first.patch.join('×')}.`);
  const provenance = await runProvenance({
    started,
    outcomes,
    notes,
    patch: first?.patch ?? DEFAULT_PATCH,
    batch: first?.batch ?? DEFAULT_BATCH,
    precision: opts.math,
    seed: opts.seed,
    quick: opts.quick,
  });
  const path = await writeRunToResultsDir(opts.results, {
    schemaVersion: RESULTS_SCHEMA_VERSION,
    provenance,
    rows,
  });
  process.stdout.write(`${summaryTable(rows)}\nresults: ${path}\n`);
  if (opts.report) {
    const { writeReportFor } = await import('./write-report-for.js');
    process.stdout.write(`report: ${await writeReportFor(path, opts.results)}\n`);
  }
  return rows.some((r) => r.status === 'failed') ? 1 : 0;
}
