import { resolve } from 'node:path';
import { ConfigError, formatShape } from '@unet3d/core';
import { isModelName, MODEL_PRESETS } from '@unet3d/model';
import { DEFAULT_PATCH } from '@unet3d/paper';
import { runTraining, type TrainingConfig } from '@unet3d/train';
import type { Command } from 'commander';
import { openBackend } from '../../backends.js';
import { parseNonNegativeInt, parsePatch, parsePositiveInt, parsePositiveNumber } from '../../options.js';
import { defaultReporter } from './progress.js';

interface TrainCliOptions {
  model: string;
  backend: string;
  iterations: string;
  input?: string;
  batch: string;
  channels?: string;
  data: string;
  seed: string;
  lr: string;
  checkpoint?: string;
  checkpointEvery: string;
}

/**
 * `unet3d train`: train a model on seeded synthetic EM data; one line (or a progress bar on a TTY) per
 * iteration with loss, nearest-neighbour affinity accuracy and time; atomic checkpoints every K iterations
 * and at the end; resumes from the checkpoint when it exists.
 */
export function register(program: Command): void {
  program
    .command('train')
    .description('train a model on synthetic EM data (checkpoints, resume)')
    .option('--model <name>', 'baseline | strided | scaled', 'strided')
    .requiredOption('--backend <name>', 'conv backend (onnxruntime, cudnn, tvm, reference)')
    .option('--iterations <n>', 'total iterations (a resumed run continues up to this count)', '100')
    .option('--input <D,H,W>', `patch (default ${DEFAULT_PATCH.join(',')})`)
    .option('--batch <n>', 'batch size', '1')
    .option('--channels <list>', 'channels per level (5 entries), default the model preset')
    .option('--data <source>', 'training data: synthetic', 'synthetic')
    .option('--seed <n>', 'seed of initialisation and data', '0')
    .option('--lr <rate>', 'Adam learning rate', '0.001')
    .option('--checkpoint <path>', 'checkpoint file: resumed from when it exists, written every K iterations')
    .option('--checkpoint-every <k>', 'iterations between checkpoints', '10')
    .action(async (opts: TrainCliOptions) => {
      process.exitCode = await runTrainCommand(opts);
    });
}

export async function runTrainCommand(opts: TrainCliOptions): Promise<number> {
  if (!isModelName(opts.model)) {
    throw new ConfigError(
      `unknown model '${opts.model}'`,
      `use one of ${Object.keys(MODEL_PRESETS).join(', ')}`,
    );
  }
  if (opts.data !== 'synthetic') {
    throw new ConfigError(`unknown data source '${opts.data}'`, 'only --data synthetic is available');
  }
  const channels = opts.channels
    ? opts.channels.split(',').map((c) => parsePositiveInt(c.trim(), '--channels entry'))
    : MODEL_PRESETS[opts.model].channels;
  const seed = parseNonNegativeInt(opts.seed, '--seed');
  const config: TrainingConfig = {
    model: opts.model,
    channels,
    input: opts.input ? parsePatch(opts.input) : [DEFAULT_PATCH[0]!, DEFAULT_PATCH[1]!, DEFAULT_PATCH[2]!],
    batch: parsePositiveInt(opts.batch, '--batch'),
    seed,
    lr: parsePositiveNumber(opts.lr, '--lr'),
    data: 'synthetic',
  };
  const iterations = parseNonNegativeInt(opts.iterations, '--iterations');
  const checkpointEvery = parsePositiveInt(opts.checkpointEvery, '--checkpoint-every');
  const opened = await openBackend(opts.backend);
  try {
    const reporter = defaultReporter();
    reporter.note(
      `train ${config.model} [${channels.join(',')}] on ${opts.backend} (${opened.device.name}), ` +
        `input ${formatShape([config.batch, 1, ...config.input])}, seed ${seed}, lr ${config.lr}, synthetic data`,
    );
    const summary = await runTraining({
      config,
      device: opened.device,
      backend: opened.backend,
      iterations,
      checkpointEvery,
      reporter,
      ...(opts.checkpoint ? { checkpoint: resolve(opts.checkpoint) } : {}),
    });
    const n = summary.losses.length;
    const last = summary.losses.slice(-Math.min(10, n));
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    process.stdout.write(
      `done: ${summary.iterations} iterations (${n} this run${summary.resumedFrom ? `, resumed at ${summary.resumedFrom}` : ''})` +
        (n
          ? `, loss ${summary.losses[0]!.toFixed(5)} → ${mean(last).toFixed(5)} (mean of last ${last.length})`
          : '') +
        `, held-out nearest-neighbour affinity accuracy ${(100 * summary.heldOutAccuracy).toFixed(2)}%` +
        (n ? `, ${summary.meanMs.toFixed(0)} ms/iteration` : '') +
        `, peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB\n`,
    );
    return 0;
  } finally {
    await opened.close();
  }
}
