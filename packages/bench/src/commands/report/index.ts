import type { Command } from 'commander';
import { runReportCommand } from './run-report.js';

export { type ReportCommandOptions, reportDirFor, runReportCommand } from './run-report.js';

/** `unet3d report [files...]`: Markdown + JSON + figures reproducing Table 1 from results files. */
export function register(program: Command): void {
  program
    .command('report')
    .description("Table 1 beside the paper's, and Figs. 3–6 + roofline (SVG, PNG, PDF), from results files")
    .argument('[files...]', 'results files (default: the newest file of every results/<device>/ folder)')
    .option('--out <dir>', 'output folder (default: <results file folder>/report)')
    .option('--results <dir>', 'results root folder searched when no files are given', 'results')
    .option('--json', 'print the written files (per results file) as one JSON document instead of text')
    .action(async (files: string[], opts: { out?: string; results: string; json?: boolean }) => {
      process.exitCode = await runReportCommand({
        files,
        out: opts.out,
        results: opts.results,
        json: opts.json,
      });
    });
}
