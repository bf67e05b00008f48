import { resolve } from 'node:path';
import { ConfigError, formatShape } from '@unet3d/core';
import { isModelName, MODEL_PRESETS } from '@unet3d/model';
import { DEFAULT_PATCH } from '@unet3d/paper';
import { runTraining, type TrainingConfig, type ValidationOptions, VolumeData } from '@unet3d/train';
import type { Command } from 'commander';
import { openBackend } from '../../backends.js';
import { parseNonNegativeInt, parsePatch, parsePositiveInt, parsePositiveNumber } from '../../options.js';
import { defaultReporter } from './progress.js';
import { loadSplitVolume } from './volume-options.js';

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
  image?: string;
  labels?: string;
  anisotropy?: string;
  voxelNm?: string;
  split: string;
  validateEvery?: string;
}

/**
 * `unet3d train`: train a model on seeded synthetic EM data, or on an EM image + label pair (`--image`,
 * `--labels`: TIFF or HDF5, rescaled with --anisotropy/--voxel-nm, split with --split, validated every
 * --validate-every iterations and at the end by sliding-window inference on the split-off part); one line (or a progress bar on a TTY) per
 * iteration with loss, nearest-neighbour affinity accuracy and time; atomic checkpoints every K iterations
 * and at the end; resumes from the checkpoint when it exists.
 */
export function register(program: Command): void {
  program
    .command('train')
    .description(
      'train a model on synthetic EM data or an EM image + label pair (checkpoints, resume, validation)',
    )
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
    .option('--image <volume>', 'train on an EM image: stack.tif or file.h5:/dataset (needs --labels)')
    .option('--labels <volume>', 'its label volume (same shape, integer ids; 0 = boundary)')
    .option('--anisotropy <ratio>', 'rescale to this z/xy anisotropy first (needs --voxel-nm), e.g. 2')
    .option('--voxel-nm <z,y,x>', "the files' voxel size in nm, e.g. 30,6,6 (SNEMI3D)")
    .option(
      '--split <axis:fraction>',
      'train on the first fraction along the axis, validate on the rest',
      'x:0.8',
    )
    .option('--validate-every <k>', 'validate on the split-off part every K iterations (and at the end)')
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
    throw new ConfigError(
      `unknown data source '${opts.data}'`,
      'use --data synthetic, or --image A --labels B for EM files',
    );
  }
  if ((opts.image === undefined) !== (opts.labels === undefined)) {
    throw new ConfigError('--image and --labels go together', 'give both an image and its label volume');
  }
  if (opts.validateEvery !== undefined && opts.image === undefined) {
    throw new ConfigError(
      '--validate-every needs --image and --labels',
      'validation runs on the split-off part',
    );
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
  const files =
    opts.image !== undefined && opts.labels !== undefined
      ? await loadSplitVolume({ ...opts, image: opts.image, labels: opts.labels })
      : undefined;
  if (files) config.data = files.dataId;
  const validation: ValidationOptions | undefined = files
    ? {
        volume: files.validation,
        every: opts.validateEvery
          ? parsePositiveInt(opts.validateEvery, '--validate-every')
          : Number.MAX_SAFE_INTEGER,
      }
    : undefined;
  const iterations = parseNonNegativeInt(opts.iterations, '--iterations');
  const checkpointEvery = parsePositiveInt(opts.checkpointEvery, '--checkpoint-every');
  const opened = await openBackend(opts.backend);
  try {
    const reporter = defaultReporter();
    reporter.note(
      `train ${config.model} [${channels.join(',')}] on ${opts.backend} (${opened.device.name}), ` +
        `input ${formatShape([config.batch, 1, ...config.input])}, seed ${seed}, lr ${config.lr}, ` +
        (files
          ? `${files.image.spec} + ${files.labels.spec} [${files.shape.join(',')}], split ${files.split.axis}:${files.split.fraction} ` +
            `(train [${files.train.shape.join(',')}], validation [${files.validation.shape.join(',')}])`
          : 'synthetic data'),
    );
    const summary = await runTraining({
      config,
      device: opened.device,
      backend: opened.backend,
      iterations,
      checkpointEvery,
      reporter,
      ...(opts.checkpoint ? { checkpoint: resolve(opts.checkpoint) } : {}),
      ...(files
        ? {
            data: new VolumeData({ train: files.train, patch: config.input, batch: config.batch, seed }),
            validation: validation!,
          }
        : {}),
    });
    const n = summary.losses.length;
    const last = summary.losses.slice(-Math.min(10, n));
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    process.stdout.write(
      `done: ${summary.iterations} iterations (${n} this run${summary.resumedFrom ? `, resumed at ${summary.resumedFrom}` : ''})` +
        (n
          ? `, loss ${summary.losses[0]!.toFixed(5)} → ${mean(last).toFixed(5)} (mean of last ${last.length})`
          : '') +
        `, ${files ? 'validation' : 'held-out'} nearest-neighbour affinity accuracy ${(100 * summary.heldOutAccuracy).toFixed(2)}%` +
        (files
          ? `, adapted Rand error ${summary.validation[summary.validation.length - 1]!.adaptedRandError.toFixed(4)}`
          : '') +
        (n ? `, ${summary.meanMs.toFixed(0)} ms/iteration` : '') +
        `, peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB\n`,
    );
    return 0;
  } finally {
    await opened.close();
  }
}
