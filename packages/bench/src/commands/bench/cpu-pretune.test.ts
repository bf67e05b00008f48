import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cpuTuningDir, tuningLogsIn } from '@unet3d/backend-tvm/tuning-logs';
import { errorToOneLine } from '@unet3d/core';
import { detectCpuFeatures } from '@unet3d/native';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseBackendsOption } from './backend-plan.js';
import { parseDurationSeconds, planPreTune, preTuneArgs, runPreTune, tuningRootFor } from './cpu-pretune.js';
import { type BenchOptions, planJobs } from './run-plan.js';

const base: BenchOptions = {
  backends: 'auto',
  rows: ['strided-cudnn', 'scaled-tvm'],
  quick: true,
  math: 'fp32',
  seed: 0,
  results: 'results',
  timeout: 60,
  report: false,
};

describe('pre-bench tune of the tuned CPU backend', () => {
  let dir: string;
  let savedRoot: string | undefined;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'unet3d-pretune-'));
    savedRoot = process.env['UNET3D_NVIDIA_PROBE_ROOT'];
    // No NVIDIA driver, whatever machine runs this: 'tvm' is ruled out, so row 4 goes to 'tvm-cpu'.
    process.env['UNET3D_NVIDIA_PROBE_ROOT'] = dir;
  });
  afterAll(async () => {
    if (savedRoot === undefined) delete process.env['UNET3D_NVIDIA_PROBE_ROOT'];
    else process.env['UNET3D_NVIDIA_PROBE_ROOT'] = savedRoot;
    await rm(dir, { recursive: true, force: true });
  });

  it('reads durations as `tune --time-limit` does, and names a bad one', () => {
    expect(parseDurationSeconds('0')).toBe(0);
    expect(parseDurationSeconds('90')).toBe(90);
    expect(parseDurationSeconds('3m')).toBe(180);
    expect(parseDurationSeconds('1h30m')).toBe(5400);
    expect(parseDurationSeconds('2m30s')).toBe(150);
    expect(() => parseDurationSeconds('3x')).toThrow(/--tune-budget: cannot read '3x'/);
    expect(() => parseDurationSeconds('')).toThrow(/cannot read/);
    expect(() => parseDurationSeconds('m')).toThrow(/cannot read/);
  });

  it('tunes first only when a row will run on tvm-cpu, this identity has no log, and the budget is > 0', async () => {
    const root = join(dir, 'results');
    const opts = { ...base, results: root };
    const jobs = planJobs(opts, parseBackendsOption('auto'));
    const plan = await planPreTune(jobs, root, 180);
    expect(plan.kind).toBe('tune');
    if (plan.kind !== 'tune') return;
    expect(plan.job.row.id).toBe('scaled-tvm');
    const here = detectCpuFeatures().slug;
    expect(plan.slug).toBe(here);
    expect(plan.logDir).toBe(join(root, 'tuning', here));
    expect(preTuneArgs(plan, root)).toEqual([
      'tune',
      '--target',
      'cpu',
      '--model',
      'scaled',
      '--time-limit',
      '180s',
      '--schedule',
      'weighted',
      '--input',
      '16,64,64',
      '--batch',
      '1',
      '--results',
      root,
    ]);
    // Budget 0: no tune, and the notes say why the row is untuned.
    const skip = await planPreTune(jobs, root, 0);
    expect(skip.kind).toBe('skip');
    // No row on tvm-cpu: nothing to tune (onnxruntime everywhere; or only the cuDNN row).
    expect((await planPreTune(planJobs(opts, parseBackendsOption('onnxruntime')), root, 180)).kind).toBe(
      'none',
    );
    expect((await planPreTune(jobs.slice(0, 1), root, 180)).kind).toBe('none');
    // Logs of other identities do not count: a folder named after a model name (from before identities)
    // and this identity with one more core.
    const other = here.replace(/-(\d+)c$/, (_m, n: string) => `-${Number(n) + 1}c`);
    for (const slug of ['cpu-amd-epyc-2c', other]) {
      await mkdir(cpuTuningDir(root, slug), { recursive: true });
      await writeFile(join(cpuTuningDir(root, slug), 'scaled-fp32.jsonl'), '');
    }
    expect((await planPreTune(jobs, root, 180)).kind).toBe('tune');
    // A log of this identity (a .best.jsonl summary alone does not count): nothing to tune.
    const logDir = cpuTuningDir(root, here);
    await mkdir(logDir, { recursive: true });
    await writeFile(join(logDir, 'scaled-fp32.best.jsonl'), '');
    expect(tuningLogsIn(logDir)).toEqual([]);
    expect((await planPreTune(jobs, root, 180)).kind).toBe('tune');
    await writeFile(join(logDir, 'scaled-fp32.jsonl'), '');
    expect((await planPreTune(jobs, root, 180)).kind).toBe('none');
  });

  it('--tuning-from applies the named identity’s log instead of tuning, and a name without logs is one line', async () => {
    const root = join(dir, 'results-from');
    const jobs = planJobs({ ...base, results: root }, parseBackendsOption('auto'));
    await mkdir(cpuTuningDir(root, 'cpu-amd-zen4-avx512-2c'), { recursive: true });
    await writeFile(join(cpuTuningDir(root, 'cpu-amd-zen4-avx512-2c'), 'scaled-fp32.jsonl'), '');
    expect(jobs.every((j) => j.tuningFrom === undefined)).toBe(true);
    const from = planJobs(
      { ...base, results: root, tuningFrom: 'cpu-amd-zen4-avx512-2c' },
      parseBackendsOption('auto'),
    );
    expect(from.map((j) => j.tuningFrom)).toEqual(['cpu-amd-zen4-avx512-2c', 'cpu-amd-zen4-avx512-2c']);
    const plan = await planPreTune(from, root, 180, 'cpu-amd-zen4-avx512-2c');
    expect(plan.kind).toBe('skip');
    if (plan.kind === 'skip')
      expect(plan.note).toMatch(
        /--tuning-from cpu-amd-zen4-avx512-2c: tvm-cpu applied that CPU's tuning log/,
      );
    await expect(planPreTune(jobs, root, 180, 'cpu-intel-skylakex-avx512-4c')).rejects.toThrow(
      /--tuning-from cpu-intel-skylakex-avx512-4c: no tuning log in .*/,
    );
    const line = await planPreTune(jobs, root, 180, 'cpu-nope-2c').then(
      () => 'no error',
      (e: unknown) => errorToOneLine(e),
    );
    expect(line).toMatch(
      /^--tuning-from cpu-nope-2c: no tuning log in \S+ \(name one of: cpu-amd-zen4-avx512-2c\)$/,
    );
  });

  it('a tune command that fails is a note, not an error; one that succeeds is noted too', async () => {
    const root = join(dir, 'results-run');
    const jobs = planJobs({ ...base, results: root }, parseBackendsOption('auto'));
    const plan = await planPreTune(jobs, root, 5);
    if (plan.kind !== 'tune') throw new Error('expected a tune plan');
    // Test doubles for the tune command's two ways out (the real command is a separate test's business).
    const failing = [
      '-e',
      'process.stderr.write("unet3d: error: no C compiler found\\n(run with --help for usage)\\n"); process.exit(3)',
      '--',
    ];
    const failed = await runPreTune(plan, root, { cli: failing });
    expect(failed.ok).toBe(false);
    expect(failed.note).toMatch(/exited with code 3: unet3d: error: no C compiler found \(after/);
    expect(failed.note).toMatch(/^Row scaled-tvm: no tuning log for this CPU/);
    const passing = ['-e', 'process.exit(0)', '--'];
    const ok = await runPreTune(plan, root, { cli: passing });
    expect(ok.ok).toBe(true);
    expect(ok.note).toMatch(/ran `unet3d tune --target cpu --model scaled --time-limit 5s/);
  });

  it('bench --results elsewhere still applies the default root’s log of this identity, and its own first', async () => {
    const slug = detectCpuFeatures().slug;
    const checkout = join(dir, 'checkout-results');
    const elsewhere = join(dir, 'elsewhere');
    // Nothing anywhere: the --results root (a pre-tune writes there).
    expect(await tuningRootFor(elsewhere, checkout)).toBe(elsewhere);
    await mkdir(cpuTuningDir(checkout, slug), { recursive: true });
    await writeFile(join(cpuTuningDir(checkout, slug), 'scaled-fp32.jsonl'), '');
    expect(await tuningRootFor(elsewhere, checkout)).toBe(checkout);
    // Another identity's log under --results does not count; this identity's does, and wins.
    await mkdir(cpuTuningDir(elsewhere, 'cpu-amd-zen1-avx2-64c'), { recursive: true });
    await writeFile(join(cpuTuningDir(elsewhere, 'cpu-amd-zen1-avx2-64c'), 'scaled-fp32.jsonl'), '');
    expect(await tuningRootFor(elsewhere, checkout)).toBe(checkout);
    await mkdir(cpuTuningDir(elsewhere, slug), { recursive: true });
    await writeFile(join(cpuTuningDir(elsewhere, slug), 'scaled-fp32.jsonl'), '');
    expect(await tuningRootFor(elsewhere, checkout)).toBe(elsewhere);
    expect(tuningLogsIn(cpuTuningDir(elsewhere, slug))).toHaveLength(1);
  });
});
