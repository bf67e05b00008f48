import { type MathMode, Unet3dError } from '@unet3d/core';
import { DEFAULT_BATCH, DEFAULT_PATCH } from '@unet3d/paper';
import type { BenchRowInput } from '@unet3d/results';
import { type BackendsOption, selectRows } from './backend-plan.js';
import { assertRowGeometry } from './row-geometry.js';
import type { IterationCounts, RowJob } from './row-job.js';

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
  /** `--tuning-from <slug>`: row 4 on tvm-cpu applies that CPU identity's tuning log (and no pre-tune runs). */
  tuningFrom?: string;
  /** Print the results path and a summary as JSON on stdout. */
  json?: boolean;
}

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
    ...(opts.tuningFrom !== undefined ? { tuningFrom: opts.tuningFrom } : {}),
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
