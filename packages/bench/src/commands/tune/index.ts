import { join } from 'node:path';
import { ConfigError, DeviceError, type MathMode } from '@unet3d/core';
import { deviceSlug } from '@unet3d/results';
import type { Command } from 'commander';
import { createDevice } from '../../backends.js';
import { parseMathMode, parseNonNegativeInt, parsePatch, parsePositiveInt } from '../../options.js';
import { probeGpu } from '../bench/gpu-probe.js';
import { parseModels } from '../verify/workloads.js';

interface TuneOptions {
  model: string;
  budget: number;
  precision: MathMode;
  tuner: string;
  seed: number;
  log?: string;
  input?: [number, number, number];
  batch: number;
  results: string;
}

/** `unet3d tune`: AutoTVM-style tuning of every conv workload and pass of a network, logged as JSON lines. */
export function register(program: Command): void {
  program
    .command('tune')
    .description('auto-tune the tvm backend for every conv workload of a network (needs a CUDA GPU)')
    .option('--model <name>', 'baseline, strided or scaled', 'scaled')
    .option('--budget <n>', 'trials per workload and pass', (v) => parsePositiveInt(v, '--budget'), 200)
    .option('--precision <mode>', 'fp32, tf32 or bf16', parseMathMode, 'fp32' as MathMode)
    .option('--tuner <name>', 'model (random-forest cost model), ga or random', 'model')
    .option('--seed <n>', 'seed of the search', (v) => parseNonNegativeInt(v, '--seed'), 0)
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

async function runTune(opts: TuneOptions): Promise<void> {
  const [model] = parseModels(opts.model);
  if (!model || opts.model.includes(','))
    throw new ConfigError(`--model takes one model, got '${opts.model}'`);
  const tvm = await import('@unet3d/backend-tvm');
  if (!(tvm.TUNER_NAMES as readonly string[]).includes(opts.tuner)) {
    throw new ConfigError(`unknown tuner '${opts.tuner}'`, `use one of ${tvm.TUNER_NAMES.join(', ')}`);
  }
  const gpu = await probeGpu();
  if (!gpu.available) {
    throw new DeviceError(`tuning measures kernels on a GPU, and none is usable here: ${gpu.reason}`);
  }
  let logPath = opts.log;
  if (!logPath) {
    const device = await createDevice('cuda');
    const slug = deviceSlug({ kind: 'cuda', name: device.name });
    device.dispose();
    logPath = join(opts.results, 'tuning', slug, `${model}-${opts.precision}.jsonl`);
  }
  const workloads = tvm.networkConvWorkloads(model, opts.batch, opts.input ?? [64, 128, 128]);
  process.stderr.write(`tuning ${workloads.length} workloads × 3 passes of '${model}' → ${logPath}\n`);
  const t0 = performance.now();
  const summary = await tvm.tuneWorkloads({
    workloads,
    budget: opts.budget,
    precision: opts.precision,
    logPath,
    tuner: opts.tuner as (typeof tvm.TUNER_NAMES)[number],
    seed: opts.seed,
    onProgress: (p) => {
      process.stderr.write(
        `  ${p.task.id}: ${p.trials}/${p.nTrial} trials, best ${Number.isFinite(p.bestCostMs) ? `${p.bestCostMs.toFixed(3)} ms` : '-'}, ${p.errors} errors\n`,
      );
    },
    onWarning: (m) => process.stderr.write(`warning: ${m}\n`),
  });
  const minutes = (performance.now() - t0) / 60_000;
  for (const t of summary.tasks) {
    process.stdout.write(
      `${t.id}\tbest ${Number.isFinite(t.bestCostMs) ? t.bestCostMs.toFixed(3) : '-'} ms\t${t.trials} trials (${t.resumed} resumed)\n`,
    );
  }
  process.stdout.write(
    `log: ${summary.logPath}\nbest: ${summary.bestPath}\ntuning time: ${minutes.toFixed(1)} min\n`,
  );
}
