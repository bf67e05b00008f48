import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BenchRowInput, BenchSettings } from '@unet3d/results';
import { loadResults } from '@unet3d/results';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { missingRow, toResultsRow } from './assemble-run.js';
import { parseBackendsOption } from './backend-plan.js';
import { ResultsFile } from './results-file.js';
import { missingRowIds, planResume } from './resume.js';
import type { RowJob, RowOutcome } from './row-job.js';
import { EXIT_NO_ROW_RAN, exitCodeOfRows } from './run-bench.js';
import { type BenchOptions, planJobs } from './run-plan.js';
import { baseProvenance, deviceOf, runProvenance } from './run-provenance.js';

const opts: BenchOptions = {
  backends: 'onnxruntime',
  rows: ['strided-cudnn', 'scaled-cudnn'],
  quick: false,
  input: [16, 64, 64],
  iterations: 2,
  warmup: 0,
  profileIterations: 0,
  math: 'fp32',
  seed: 7,
  results: 'unused',
  timeout: 60,
  report: false,
};

/** A measured outcome as a child reports it (two samples of made-up times). */
function okOutcome(kind: 'cpu' | 'cuda' = 'cpu'): RowOutcome {
  return {
    status: 'ok',
    backend: kind === 'cuda' ? 'cudnn' : 'onnxruntime',
    backendDevice: kind,
    resolutionFailures: [],
    counts: { iterations: 2, warmupIterations: 0, profileIterations: 0 },
    samplesMs: [100, 120],
    perLayer: [],
    backendDetails: { harnessOverheadMs: 0.5 },
    device: kind === 'cuda' ? { kind, name: 'NVIDIA H200', details: {} } : { kind, name: 'cpu', details: {} },
    peakHostRssBytes: 1e8,
    peakDeviceBytes: null,
    harnessOverheadMs: 0.5,
    finalLoss: 0.7,
  };
}

async function runOf(jobs: RowJob[], rows: BenchRowInput[], first?: RowOutcome) {
  const settings: BenchSettings = {
    rows: jobs.map((j) => j.row.id),
    backends: opts.backends,
    quick: false,
    requested: { iterations: 2, warmupIterations: 0, profileIterations: 0 },
    ...(first ? { counts: first.counts } : {}),
  };
  return {
    schemaVersion: 1 as const,
    provenance: runProvenance({
      base: await baseProvenance(new Date('2026-01-02T03:04:05.000Z')),
      device: first ? deviceOf(first) : null,
      clock: null,
      rows,
      notes: [],
      patch: [16, 64, 64],
      batch: 1,
      precision: 'fp32',
      seed: 7,
      settings,
    }),
    rows,
  };
}

describe('results file of a run in progress, and --resume', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'unet3d-resume-test-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('rewrites one file per run; moves it once when the first measured row names another device', async () => {
    const root = join(dir, 'move');
    const jobs = planJobs({ ...opts, results: root }, parseBackendsOption('onnxruntime'));
    const file = new ResultsFile(root);
    const rows = jobs.map((j) => missingRow(j, 'pending'));
    rows[0] = toResultsRow(jobs[0]!, {
      kind: 'crashed',
      reason: 'boom',
      wallMs: 1,
      resolved: null,
      signal: null,
    });
    const first = await file.write(await runOf(jobs, rows));
    expect(first).toMatch(/cpu-[a-z0-9-]+-\d+c[/\\]2026-01-02T03-04-05\.000Z\.json$/);
    const outcome = okOutcome('cuda');
    rows[1] = toResultsRow(jobs[1]!, { kind: 'outcome', outcome, wallMs: 1 });
    const moved = await file.write(await runOf(jobs, rows, outcome));
    expect(moved).toBe(join(root, 'nvidia-h200', '2026-01-02T03-04-05.000Z.json'));
    expect((await readdir(root)).sort()).toEqual(['nvidia-h200', first.split(/[/\\]/).at(-2)!].sort());
    expect(await readdir(join(first, '..'))).toEqual([]);
    expect((await loadResults(moved)).rows.map((r) => r.status)).toEqual(['failed', 'ok']);
    await file.write(await runOf(jobs, rows, outcome));
    expect(await readdir(join(root, 'nvidia-h200'))).toEqual(['2026-01-02T03-04-05.000Z.json']);
  });

  it('resumes the rows still missing with the file settings, and refuses a conflicting one in one line', async () => {
    const root = join(dir, 'resume');
    const jobs = planJobs({ ...opts, results: root }, parseBackendsOption('onnxruntime'));
    const outcome = okOutcome();
    const rows = [
      toResultsRow(jobs[0]!, { kind: 'outcome', outcome, wallMs: 1 }),
      missingRow(jobs[1]!, 'interrupted'),
    ];
    const path = await new ResultsFile(root).write(await runOf(jobs, rows, outcome));
    const run = await loadResults(path);
    expect(missingRowIds(run)).toEqual(['scaled-cudnn']);
    const given = (...keys: string[]) => new Set(keys);
    const fresh = {
      ...opts,
      backends: 'auto',
      input: undefined,
      iterations: undefined,
      seed: 0,
      results: 'results',
    };
    const plan = await planResume(path, { ...fresh, resume: path } as BenchOptions, given());
    expect(plan.options).toMatchObject({
      backends: 'onnxruntime',
      rows: ['strided-cudnn', 'scaled-cudnn'],
      input: [16, 64, 64],
      iterations: 2,
      warmup: 0,
      seed: 7,
      results: root,
    });
    // The same value given again is no conflict; another one is.
    await expect(
      planResume(path, { ...fresh, seed: 7 } as BenchOptions, given('seed')),
    ).resolves.toBeDefined();
    await expect(planResume(path, { ...fresh, seed: 8 } as BenchOptions, given('seed'))).rejects.toThrow(
      /--seed 8 conflicts with the run's 7/,
    );
    await expect(
      planResume(path, { ...fresh, backends: 'auto' } as BenchOptions, given('backends')),
    ).rejects.toThrow(/--backends auto conflicts with the run's onnxruntime/);
    await expect(
      planResume(path, { ...fresh, input: [16, 128, 128] } as BenchOptions, given('input')),
    ).rejects.toThrow(/--input 16,128,128 conflicts with the run's 16,64,64/);
  });

  it('exit code: 1 when a row failed, 4 when no row ran, 0 otherwise', () => {
    const jobs = planJobs(opts, parseBackendsOption('onnxruntime'));
    const notRun = jobs.map((j) => ({ ...missingRow(j, 'pending'), reason: 'no backend' }));
    expect(exitCodeOfRows(notRun)).toBe(EXIT_NO_ROW_RAN);
    const ok = toResultsRow(jobs[0]!, { kind: 'outcome', outcome: okOutcome(), wallMs: 1 });
    expect(exitCodeOfRows([ok, notRun[1]!])).toBe(0);
    const failed = toResultsRow(jobs[1]!, {
      kind: 'crashed',
      reason: 'x',
      wallMs: 1,
      resolved: null,
      signal: null,
    });
    expect(exitCodeOfRows([ok, failed])).toBe(1);
    expect(exitCodeOfRows([notRun[0]!, failed])).toBe(1);
  });
});
