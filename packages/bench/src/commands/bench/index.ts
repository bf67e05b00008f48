import type { MathMode } from '@unet3d/core';
import { type Command, Option } from 'commander';
import { parseMathMode, parseNonNegativeInt, parsePatch, parsePositiveInt } from '../../options.js';
import type { BenchOptions } from './run-bench.js';

/** `unet3d bench`: Table 1 measured here, one child process per row; and the hidden per-row child command. */
export function register(program: Command): void {
  program
    .command('bench')
    .description("measure the four rows of the paper's Table 1 on this machine and write results + report")
    .option(
      '--backends <spec>',
      "'auto' (each row tries its candidates, @unet3d/paper), one backend for every row, or cudnn=<name>,tvm=<name>",
      'auto',
    )
    .option('--rows <ids>', 'comma-separated row ids (default: all four)', (v) =>
      v.split(',').map((s) => s.trim()),
    )
    .option('--quick', 'smoke run: small patch (16,64,64), 3 timed iterations', false)
    .option('--input <D,H,W>', 'patch (default 64,128,128)', parsePatch)
    .option('--batch <n>', 'batch size (default 1)', (v) => parsePositiveInt(v, '--batch'))
    .option('--iterations <n>', 'timed iterations per row (default 5 on CPU, 20 on GPU)', (v) =>
      parsePositiveInt(v, '--iterations'),
    )
    .option('--warmup <n>', 'warm-up iterations per row (default 2 on CPU (1 with --quick), 5 on GPU)', (v) =>
      parseNonNegativeInt(v, '--warmup'),
    )
    .option(
      '--profile-iterations <n>',
      'extra iterations with per-layer timing (default 1 on CPU, 3 on GPU)',
      (v) => parseNonNegativeInt(v, '--profile-iterations'),
    )
    .option(
      '--math <mode>',
      'conv math mode: fp32 (the paper), tf32, bf16',
      parseMathMode,
      'fp32' as MathMode,
    )
    .option('--seed <n>', 'seed of weights and data', (v) => parseNonNegativeInt(v, '--seed'), 0)
    .option('--results <dir>', 'results root folder', 'results')
    .option(
      '--timeout <seconds>',
      'kill a row after this long',
      (v) => parsePositiveInt(v, '--timeout'),
      1800,
    )
    .option('--no-report', 'do not regenerate the report after the run')
    .option(
      '--peer',
      'also time the PyTorch peer after each row, same configuration (needs a Python with torch)',
    )
    .option(
      '--python <path>',
      'the Python with torch for --peer (default /opt/torch/.venv/bin/python3, else python3)',
    )
    .addOption(new Option('--inject-crash <rowId>', 'test hook: make this row crash').hideHelp())
    .action(async (opts: BenchOptions) => {
      const { runBench } = await import('./run-bench.js');
      process.exitCode = await runBench(opts);
    });

  program
    .command('bench-row', { hidden: true })
    .description('internal: measure one row (run by `bench` in a child process)')
    .requiredOption('--job <path>')
    .requiredOption('--out <path>')
    .action(async (opts: { job: string; out: string }) => {
      // The measured child: it loads the row worker only (no parent, results-writing or report code).
      const { runRowJobFile } = await import('./row-worker.js');
      await runRowJobFile(opts.job, opts.out);
    });
}
