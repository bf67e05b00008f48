import { join } from 'node:path';
import { ConfigError, DeviceError, type MathMode } from '@unet3d/core';
import { readLog, type TuningRecord } from '@unet3d/results';
import type { Command } from 'commander';
import { parseMathMode, parseNonNegativeInt, parsePatch, parsePositiveInt } from '../../options.js';
import { parseModels } from '../verify/workloads.js';
import { gpuAvailability } from './gpu-availability.js';
import { tuneReporter } from './progress.js';
import { parseTimeLimit } from './time-limit.js';
import { TrialTally } from './trial-tally.js';

type TargetName = 'cpu' | 'cuda';

interface TuneOptions {
  target?: string;
  model: string;
  budget?: number;
  timeLimit?: string;
  precision: MathMode;
  tuner: string;
  seed: number;
  log?: string;
  input?: [number, number, number];
  batch: number;
  results: string;
  repeats: number;
  threads?: number;
}

/** `unet3d tune`: AutoTVM-style tuning of every conv workload and pass of a network, logged as JSON lines. */
export function register(program: Command): void {
  program
    .command('tune')
    .description(
      'auto-tune the tvm backends (generated CUDA or C kernels) for every conv workload of a network',
    )
    .option('--target <name>', 'cpu or cuda (default: cuda when a GPU is usable, else cpu)')
    .option('--model <name>', 'baseline, strided or scaled', 'scaled')
    .option('--budget <n>', 'trials per workload and pass (default: 200 on cuda, 64 on cpu)', (v) =>
      parsePositiveInt(v, '--budget'),
    )
    .option(
      '--time-limit <duration>',
      'stop starting new trials after this long, e.g. 10m (shared fairly over tasks)',
    )
    .option(
      '--precision <mode>',
      'fp32, tf32 or bf16 (the CPU target tunes fp32)',
      parseMathMode,
      'fp32' as MathMode,
    )
    .option('--tuner <name>', 'model (random-forest cost model), ga or random', 'model')
    .option('--seed <n>', 'seed of the search', (v) => parseNonNegativeInt(v, '--seed'), 0)
    .option('--repeats <n>', 'timing rounds per config (cpu)', (v) => parsePositiveInt(v, '--repeats'), 3)
    .option('--threads <n>', 'OpenMP threads of measured CPU kernels (default: all cores)', (v) =>
      parsePositiveInt(v, '--threads'),
    )
    .option(
      '--log <path>',
      'tuning log (default results/tuning/<device>/<model>-<precision>.jsonl); resumed if present',
    )
    .option('--input <D,H,W>', 'patch (default 64,128,128)', parsePatch)
    .option('--batch <n>', 'batch size', (v) => parsePositiveInt(v, '--batch'), 1)
    .option('--results <dir>', 'results root folder', 'results')
    .action(async (opts: TuneOptions) => {
      await runTune(opts);
    });
}

/** Whether a CUDA GPU is usable (see gpuAvailability: the bundler-visible import of @unet3d/cuda). */
async function gpuUsable(): Promise<boolean> {
  return (await gpuAvailability()).available;
}

function parseTarget(value: string | undefined): TargetName | undefined {
  if (value === undefined) return undefined;
  if (value === 'cpu' || value === 'cuda') return value;
  throw new ConfigError(`unknown target '${value}'`, 'use --target cpu or --target cuda');
}

async function runTune(opts: TuneOptions): Promise<void> {
  const [model] = parseModels(opts.model);
  if (!model || opts.model.includes(','))
    throw new ConfigError(`--model takes one model, got '${opts.model}'`);
  const deadlineMs = opts.timeLimit !== undefined ? Date.now() + parseTimeLimit(opts.timeLimit) : undefined;
  const target = parseTarget(opts.target) ?? ((await gpuUsable()) ? 'cuda' : 'cpu');
  const tvm = await import('@unet3d/backend-tvm');
  if (!(tvm.TUNER_NAMES as readonly string[]).includes(opts.tuner)) {
    throw new ConfigError(`unknown tuner '${opts.tuner}'`, `use one of ${tvm.TUNER_NAMES.join(', ')}`);
  }
  const workloads = tvm.networkConvWorkloads(model, opts.batch, opts.input ?? [64, 128, 128]);
  const budget = opts.budget ?? (target === 'cpu' ? 64 : 200);
  let measurer: import('@unet3d/backend-tvm').Measurer;
  let logPath: string;
  let foreign: TuningRecord[] | undefined;
  const notes: string[] = [];
  if (target === 'cpu') {
    if (opts.precision !== 'fp32')
      throw new ConfigError(
        `the CPU target tunes fp32 only, got '${opts.precision}'`,
        'use --precision fp32',
      );
    const slug = tvm.cpuSlug();
    logPath = opts.log ?? join(opts.results, 'tuning', slug, `${model}-${opts.precision}.jsonl`);
    if (tvm.tuningLogsIn(tvm.cpuTuningDir(opts.results, slug)).length === 0 && opts.log === undefined) {
      const near = tvm.nearestCpuWithLogs(opts.results, slug);
      if (near) {
        foreign = near.logs.flatMap((p) => readLog(p).records);
        notes.push(
          `no tuning log for ${slug} yet: starting from ${foreign.length} records of ${near.slug} (transfer)`,
        );
      }
    }
    measurer = new tvm.CpuMeasurer({
      seed: opts.seed,
      commit: tvm.gitCommit(),
      repeats: opts.repeats,
      ...(opts.threads !== undefined ? { threads: opts.threads } : {}),
    });
  } else {
    const gpu = await gpuAvailability();
    if (!gpu.available) {
      throw new DeviceError(
        `--target cuda: no usable CUDA GPU here: ${gpu.reason}`,
        'use --target cpu to tune the CPU kernels',
      );
    }
    // The measurer opens the GPU to measure on it; its identity (name, SM) then names the log folder, the
    // folder the bench files this GPU's results under and row 4's tvm backend reads.
    const cuda = await tvm.createGpuMeasurer(opts.seed);
    measurer = cuda;
    const identity = tvm.tunedGpuIdentity(cuda.provenance.device, cuda.target.limits.arch);
    logPath = opts.log ?? join(tvm.cudaTuningDir(opts.results, identity), `${model}-${opts.precision}.jsonl`);
  }
  const tally = new TrialTally(measurer);
  measurer = tally;
  const passes = 3;
  const nTasks = workloads.length * passes;
  const reporter = tuneReporter({
    tty: Boolean(process.stderr.isTTY),
    ...(deadlineMs !== undefined ? { deadlineMs } : {}),
  });
  for (const n of notes) reporter.note(n);
  reporter.note(
    `tuning ${workloads.length} workloads × ${passes} passes of '${model}' on ${target} (${measurer.provenance.device}), ${budget} trials each${opts.timeLimit ? `, time limit ${opts.timeLimit}` : ''} → ${logPath}`,
  );
  const trialsByTask = new Map<string, number>();
  const order: string[] = [];
  let errors = 0;
  const t0 = performance.now();
  let summary: Awaited<ReturnType<typeof tvm.tuneWorkloads>>;
  try {
    summary = await tvm.tuneWorkloads({
      workloads,
      budget,
      precision: opts.precision,
      logPath,
      tuner: opts.tuner as (typeof tvm.TUNER_NAMES)[number],
      seed: opts.seed,
      measurer,
      ...(deadlineMs !== undefined ? { deadline: deadlineMs } : {}),
      ...(foreign ? { foreign } : {}),
      onProgress: (p) => {
        if (!trialsByTask.has(p.task.id)) order.push(p.task.id);
        trialsByTask.set(p.task.id, p.trials);
        errors = p.errors;
        let done = 0;
        for (const v of trialsByTask.values()) done += Math.min(v, budget);
        reporter.update({
          done,
          total: nTasks * budget,
          task: `${p.task.workloadKey} ${p.task.pass}`,
          taskIndex: order.length,
          tasks: nTasks,
          bestMs: p.bestCostMs,
          errors,
        });
      },
      onWarning: (m) => reporter.note(`warning: ${m}`),
    });
  } catch (err) {
    reporter.stop();
    throw err;
  } finally {
    measurer.dispose?.();
  }
  reporter.stop();
  const minutes = (performance.now() - t0) / 60_000;
  for (const t of summary.tasks) {
    const task = t.id;
    const best = Number.isFinite(t.bestCostMs) ? `${t.bestCostMs.toFixed(3)} ms` : '-';
    process.stdout.write(
      `${task}\tbest ${best}\t${t.trials} trials (${t.resumed} resumed)${t.timedOut ? ' [time limit]' : ''}\n`,
    );
  }
  process.stdout.write(
    `log: ${summary.logPath}\nbest: ${summary.bestPath}\ntuning time: ${minutes.toFixed(1)} min\n`,
  );
  const failure = tally.failureOfRun(summary.logPath);
  if (failure) throw failure;
}
