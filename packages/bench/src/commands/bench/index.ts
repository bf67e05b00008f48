import { MATH_MODES, type MathMode } from '@unet3d/core';
import { type Command, Option } from 'commander';
import { parseNonNegativeInt, parsePatch, parsePositiveInt } from '../../options.js';
import { parseDurationSeconds } from './cpu-pretune.js';
import type { BenchOptions } from './run-plan.js';

/** Exit codes of `unet3d bench`, shown in its help (numbers as run-bench.ts's EXIT_* and interruption.ts). */
const EXIT_CODES_HELP = `
Exit codes:
  0    every requested row ran (or some could not run here, each with its reason)
  1    a row failed (crashed, killed, timed out), or bad input (one line on stderr)
  4    no requested row could run here: every one is 'not-run' (e.g. --backends cudnn without a GPU)
  130  interrupted by SIGINT (Ctrl-C); 143 by SIGTERM; 129 by SIGHUP: the rows measured so far are in the
       results file, the others 'not-run' (reason 'interrupted'); finish with --resume FILE

The results file is rewritten (atomically) after every row.`;

/** The names of the options given on the command line (not defaults): what `--resume` checks. */
function givenOptions(cmd: Command): Set<string> {
  return new Set(Object.keys(cmd.opts()).filter((k) => cmd.getOptionValueSource(k) === 'cli'));
}

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
    .addOption(
      new Option('--math <mode>', 'conv math mode: fp32 (the paper), tf32, bf16')
        .choices(MATH_MODES)
        .default('fp32' as MathMode),
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
    // Interruption, resume, pre-bench tune, JSON output: a long run must survive a signal and feed scripts.
    .option(
      '--resume <file>',
      'finish the run in this results file: measure only its rows still missing, with its settings',
    )
    .option(
      '--tune-budget <duration>',
      'time box of a tune run first when a row will use tvm-cpu and this CPU has no tuning log (default 3m; e.g. 90s; 0: no tune)',
      (v) => parseDurationSeconds(v, '--tune-budget'),
    )
    .option(
      '--tuning-from <slug>',
      "row 4 on tvm-cpu applies this CPU identity's tuning log (results/tuning/<slug>/, e.g. cpu-amd-zen4-avx512-2c) instead of this CPU's; recorded as transferred",
    )
    .option('--json', 'print the results path and a summary as JSON on stdout (progress stays on stderr)')
    .addHelpText('after', EXIT_CODES_HELP)
    .action(async (opts: BenchOptions, cmd: Command) => {
      const { runBench } = await import('./run-bench.js');
      process.exitCode = await runBench(opts, givenOptions(cmd));
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
