import type { Command } from 'commander';
import { parseNonNegativeInt, parsePositiveInt } from '../../options.js';
import { parseAlpha, parseFraction } from './parse-gate-options.js';
import { runGateCommand } from './run-gate.js';

export { parseAlpha, parseFraction } from './parse-gate-options.js';
export { type GateCommandOptions, runGateCommand } from './run-gate.js';

/** `unet3d gate`: a CI regression gate over two results files. */
export function register(program: Command): void {
  program
    .command('gate')
    .description('compare two results files per row and per layer; exit 1 on a significant slowdown')
    .requiredOption('--baseline <file>', 'results file of the reference run')
    .requiredOption('--current <file>', 'results file of the run under test')
    .option('--max-slowdown <fraction>', 'slowdowns up to this are tolerated (5% or 0.05)', (v) =>
      parseFraction(v, '--max-slowdown'),
    )
    .option('--alpha <p>', 'significance level of the one-sided Mann–Whitney test (default 0.01)', parseAlpha)
    .option('--seed <n>', 'seed of the bootstrap (default 1)', (v) => parseNonNegativeInt(v, '--seed'))
    .option('--resamples <n>', 'bootstrap resamples (default 2000)', (v) =>
      parsePositiveInt(v, '--resamples'),
    )
    .option('--no-holm', 'do not adjust p-values for the number of comparisons')
    .option('--summary <file>', 'also write the Markdown summary to this file')
    .action(
      async (opts: {
        baseline: string;
        current: string;
        maxSlowdown?: number;
        alpha?: number;
        seed?: number;
        resamples?: number;
        holm: boolean;
        summary?: string;
      }) => {
        process.exitCode = await runGateCommand({
          baseline: opts.baseline,
          current: opts.current,
          summary: opts.summary,
          correction: opts.holm ? 'holm' : 'none',
          ...(opts.maxSlowdown !== undefined ? { maxSlowdown: opts.maxSlowdown } : {}),
          ...(opts.alpha !== undefined ? { alpha: opts.alpha } : {}),
          ...(opts.seed !== undefined ? { seed: opts.seed } : {}),
          ...(opts.resamples !== undefined ? { resamples: opts.resamples } : {}),
        });
      },
    );
}
