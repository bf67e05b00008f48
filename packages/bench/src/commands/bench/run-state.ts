import { DEFAULT_BATCH, DEFAULT_PATCH } from '@unet3d/paper';
import {
  type BenchRowInput,
  type BenchRunInput,
  type BenchSettings,
  RESULTS_SCHEMA_VERSION,
} from '@unet3d/results';
import { missingRow } from './assemble-run.js';
import { type BackendsOption, parseBackendsOption } from './backend-plan.js';
import { ResultsFile } from './results-file.js';
import { missingRowIds, planResume } from './resume.js';
import type { IterationCounts, RowJob, RowOutcome } from './row-job.js';
import { type BenchOptions, backendNotes, planJobs } from './run-plan.js';
import {
  type BaseProvenance,
  baseProvenance,
  clockOf,
  type DeviceInfo,
  deviceOf,
  runProvenance,
} from './run-provenance.js';

/** A run as it stands: every requested row (measured, failed, not run, or still missing) and its settings. */
export interface RunState {
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

export function toRun(state: RunState): BenchRunInput {
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
export function fixFirstMeasurement(state: RunState, outcome: RowOutcome): void {
  if (state.settings.counts) return;
  (state.settings as { counts?: IterationCounts }).counts = { ...outcome.counts };
  state.device = deviceOf(outcome);
  state.clock = clockOf(outcome.backendDevice);
}

export function jobWithFixedCounts(state: RunState, job: RowJob): RowJob {
  return state.settings.counts ? { ...job, counts: state.settings.counts } : job;
}

/** Build the state of a fresh run (every row pending) or of the file being resumed. */
export async function initialState(
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
