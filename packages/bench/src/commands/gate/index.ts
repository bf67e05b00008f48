import { errorToOneLine } from '@unet3d/core';
import type { Command } from 'commander';
import { parseGateOptions, type RawGateOptions } from './parse-gate-options.js';
import { GATE_EXIT, runGateCommand } from './run-gate.js';

export { parseAlpha, parseFraction, parseGateOptions } from './parse-gate-options.js';
export { GATE_EXIT, type GateCommandOptions, runGateCommand } from './run-gate.js';

/** A closed stdout (`unet3d gate … | head -1`) ends the output quietly, never with a stack trace. */
function ignoreClosedPipe(): void {
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err;
  });
}

/** `unet3d gate`: a CI regression gate over two results files. */
export function register(program: Command): void {
  program
    .command('gate')
    .description(
      'compare two results files per row and per layer; exit 0 pass, 1 regression, 2 bad usage or unreadable input, 3 not comparable (workload, device, or no row alike), noisy, or too few samples',
    )
    .option('--baseline <file>', 'results file of the reference run (required)')
    .option('--current <file>', 'results file of the run under test (required)')
    .option('--max-slowdown <fraction>', 'slowdowns up to this are tolerated (5% or 0.05; default 5%)')
    .option(
      '--alpha <p>',
      'family-wise significance level of the one-sided Mann–Whitney tests (default 0.01)',
    )
    .option('--min-delta-ms <ms>', 'a median change smaller than this never counts (default 0.005 ms)')
    .option('--seed <n>', 'seed of the bootstrap (default 1)')
    .option('--resamples <n>', 'bootstrap resamples (default 2000)')
    .option('--no-holm', 'do not adjust p-values for the number of comparisons')
    .option(
      '--cross-device',
      'compare runs of two different device identities (ISA, microarchitecture, cores; GPU, driver) anyway; the output names both',
    )
    .option(
      '--allow-noisy',
      'compare files with rows measured on a busy machine (quietness noisy) anyway; the output names the noisy rows',
    )
    .option('--summary <file>', 'also write the Markdown summary (fits a pull-request comment) to this file')
    .option('--details <file>', 'write the full table, every per-layer entry included, to this file')
    .option('--json', 'print the result as JSON instead of Markdown')
    .allowUnknownOption()
    .allowExcessArguments()
    .action(
      async (raw: RawGateOptions & { summary?: string; details?: string; json?: boolean }, cmd: Command) => {
        ignoreClosedPipe();
        if (cmd.args.length) {
          process.stderr.write(
            `unet3d: error: unknown argument for gate: ${cmd.args.join(' ')} (run unet3d gate --help for the options)\n`,
          );
          process.exitCode = GATE_EXIT.usage;
          return;
        }
        let parsed: ReturnType<typeof parseGateOptions>;
        try {
          parsed = parseGateOptions(raw);
        } catch (err) {
          process.stderr.write(`unet3d: error: ${errorToOneLine(err)}\n`);
          process.exitCode = GATE_EXIT.usage;
          return;
        }
        process.exitCode = await runGateCommand({
          ...parsed,
          summary: raw.summary,
          details: raw.details,
          json: raw.json,
        });
      },
    );
}
