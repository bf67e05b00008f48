import { ConfigError } from '@unet3d/core';
import { MODEL_NAMES } from '@unet3d/model';
import type { Command } from 'commander';
import { parseNonNegativeInt, parsePatch, parsePositiveInt, parsePositiveNumber } from '../../options.js';
import { runAccuracyProtocol } from './run-accuracy.js';

interface AccuracyCliOptions {
  models: string;
  seeds: string;
  iterations: string;
  validateEvery: string;
  input: string;
  batch: string;
  lr: string;
  volume: string;
  volumeSeed: string;
  split: string;
  backend: string;
  results: string;
  dataDir?: string;
}

/**
 * `unet3d accuracy`: the reduced accuracy protocol on synthetic volumes written to TIFF and HDF5 first (for
 * machines without SNEMI3D or a GPU): every model × seed trained and evaluated on the validation part;
 * writes results/accuracy/accuracy-<timestamp>.json for the report's Accuracy column.
 */
export function register(program: Command): void {
  program
    .command('accuracy')
    .description(
      'reduced accuracy protocol: synthetic volumes via TIFF/HDF5 files, models × seeds, results file',
    )
    .option('--models <list>', 'models', MODEL_NAMES.join(','))
    .option('--seeds <list>', 'seeds (initialisation and patches)', '0,1,2')
    .option('--iterations <n>', 'training iterations per model and seed', '8')
    .option('--validate-every <k>', 'validation every K iterations (and at the end)', '8')
    .option('--input <D,H,W>', 'training patch', '16,32,32')
    .option('--batch <n>', 'batch size', '2')
    .option('--lr <rate>', 'Adam learning rate', '0.001')
    .option('--volume <D,H,W>', 'synthetic volume (z, y, x)', '32,64,80')
    .option('--volume-seed <n>', 'seed of the synthetic volume', '7')
    .option('--split <axis:fraction>', 'train/validation split', 'x:0.8')
    .option('--backend <name>', 'conv backend', 'onnxruntime')
    .option('--results <dir>', 'results root', 'results')
    .option('--data-dir <dir>', 'where the TIFF/HDF5 files go (default a temp folder)')
    .action(async (opts: AccuracyCliOptions) => {
      const models = opts.models.split(',').map((m) => m.trim());
      for (const m of models) {
        if (!(MODEL_NAMES as readonly string[]).includes(m)) {
          throw new ConfigError(`unknown model '${m}'`, `use some of ${MODEL_NAMES.join(', ')}`);
        }
      }
      const path = await runAccuracyProtocol({
        models,
        seeds: opts.seeds.split(',').map((s) => parseNonNegativeInt(s.trim(), '--seeds entry')),
        iterations: parsePositiveInt(opts.iterations, '--iterations'),
        validateEvery: parsePositiveInt(opts.validateEvery, '--validate-every'),
        patch: parsePatch(opts.input),
        batch: parsePositiveInt(opts.batch, '--batch'),
        lr: parsePositiveNumber(opts.lr, '--lr'),
        volume: parsePatch(opts.volume),
        volumeSeed: parseNonNegativeInt(opts.volumeSeed, '--volume-seed'),
        split: opts.split,
        backend: opts.backend,
        resultsRoot: opts.results,
        dataDir: opts.dataDir,
        log: (line) => process.stdout.write(`${line}\n`),
      });
      process.stdout.write(`accuracy results: ${path}\n`);
      process.exitCode = 0;
    });
}
