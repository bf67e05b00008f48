import { join } from 'node:path';
import type { PlannedTask, TuneSchedule } from '@unet3d/backend-tvm';
import { ConfigError, DeviceError, type MathMode } from '@unet3d/core';
import { detectCpuFeatures } from '@unet3d/native';
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
  tuningFrom?: string;
  schedule?: string;
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
    .option(
      '--tuning-from <slug>',
      "start from this CPU identity's tuning log (results/tuning/<slug>/): its best configs valid here are re-measured first and seed the cost model (default: the nearest identity's, when this CPU has no log)",
    )
    .option(
      '--schedule <name>',
      "even (every task its --budget, in layer order) or weighted (each task's fallback timed once, then trials in proportion to its share of the iteration time, largest first); default weighted with --time-limit, else even",
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

function parseSchedule(value: string | undefined, timeLimited: boolean): TuneSchedule {
  if (value === undefined) return timeLimited ? 'weighted' : 'even';
  if (value === 'even' || value === 'weighted') return value;
  throw new ConfigError(`unknown --schedule '${value}'`, 'use --schedule even or --schedule weighted');
}

/** One line of a weighted plan: how many tasks get trials, and the largest ones with their shares. */
export function planLine(plan: readonly PlannedTask[], round: number): string {
  const total = plan.reduce((s, p) => s + p.shareMs, 0);
  const go = plan.filter((p) => p.trials > 0);
  const trials = go.reduce((s, p) => s + p.trials, 0);
  const share = go.reduce((s, p) => s + p.shareMs, 0);
  const pct = (ms: number): string => `${total > 0 ? ((100 * ms) / total).toFixed(0) : '0'}%`;
  const top = go
    .slice(0, 3)
    .map((p) => `${p.id.split('|').slice(0, 2).join(' ')} ${pct(p.shareMs)} → ${p.trials}`)
    .join('; ');
  return `plan, round ${round}: ${trials} trials over ${go.length} of ${plan.length} tasks (${pct(share)} of the iteration's conv time)${top ? `, largest: ${top}` : ''}; the rest keep their configs`;
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
  const input = opts.input ?? [64, 128, 128];
  const workloads = tvm.networkConvWorkloads(model, opts.batch, input);
  const budget = opts.budget ?? (target === 'cpu' ? 64 : 200);
  const schedule = parseSchedule(opts.schedule, deadlineMs !== undefined);
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
    const here = detectCpuFeatures();
    logPath = opts.log ?? join(tvm.cpuTuningDir(opts.results, here.slug), `${model}-${opts.precision}.jsonl`);
    // Transfer: the named identity's log, else (this identity has no log yet) the nearest identity's. Its
    // records seed the tune; only what is measured here is logged.
    const from =
      opts.tuningFrom !== undefined
        ? { slug: opts.tuningFrom, logs: tvm.tuningFromLogs(opts.results, opts.tuningFrom) }
        : opts.log === undefined && tvm.tuningLogsOf(opts.results, here.slug).length === 0
          ? tvm.nearestCpuWithLogs(opts.results, here.identity)
          : undefined;
    if (from) {
      foreign = from.logs.flatMap((p) => readLog(p).records);
      notes.push(
        `${opts.tuningFrom !== undefined ? '--tuning-from' : `no tuning log for ${here.slug} yet: nearest identity`} ${from.slug}: its best configs valid here are re-measured first and its ${foreign.length} records seed the cost model (transfer)`,
      );
    }
    measurer = new tvm.CpuMeasurer({
      seed: opts.seed,
      commit: tvm.gitCommit(),
      repeats: opts.repeats,
      ...(opts.threads !== undefined ? { threads: opts.threads } : {}),
    });
  } else {
    if (opts.tuningFrom !== undefined)
      throw new ConfigError('--tuning-from is for --target cpu', 'leave it out with --target cuda');
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
    `tuning ${workloads.length} workloads × ${passes} passes of '${model}' on ${target} (${measurer.provenance.device}), ${schedule === 'weighted' ? `weighted by share of the iteration time, at most ${budget} trials a task` : `${budget} trials each`}${opts.timeLimit ? `, time limit ${opts.timeLimit}` : ''} → ${logPath}`,
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
      schedule,
      taskUses: tvm.networkConvTaskUses(model, opts.batch, input),
      onPlan: (plan, round) => reporter.note(planLine(plan, round)),
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
      `${task}\tbest ${best}\t${t.trials} trials (${t.resumed} resumed${t.seeded ? `, ${t.seeded} transferred configs re-measured` : ''})${t.timedOut ? ' [time limit]' : ''}\n`,
    );
  }
  process.stdout.write(`log: ${summary.logPath}\ntuning time: ${minutes.toFixed(1)} min\n`);
  const failure = tally.failureOfRun(summary.logPath);
  if (failure) throw failure;
}
