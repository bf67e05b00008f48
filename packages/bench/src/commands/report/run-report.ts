import { existsSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { ConfigError } from '@unet3d/core';
import { type AnalyticSource, flopsAnalytic, type WrittenReport, writeReport } from '@unet3d/report';
import { newestResultsPerDevice } from '@unet3d/results';
import { newestAccuracyFor } from './accuracy-source.js';
import { loadAll, printErrors } from './load-all.js';
import { tuningLogsFor } from './tuning-logs.js';

export interface ReportCommandOptions {
  /** Results files; empty means the newest file of every device folder under `results`. */
  readonly files: readonly string[];
  /** Output folder; default `<folder of the results file>/report`. */
  readonly out?: string | undefined;
  readonly results: string;
  /** Print one JSON document (`{ command, reports: [{ source, markdown, json, figures }] }`) instead of text. */
  readonly json?: boolean | undefined;
}

export interface ReportIo {
  out(text: string): void;
  err(text: string): void;
  analytic?: AnalyticSource;
}

const STDIO: ReportIo = {
  out: (t) => process.stdout.write(t),
  err: (t) => process.stderr.write(t),
};

/** Where the report of `file` goes. With --out and several inputs, one sub-folder per device folder. */
export function reportDirFor(file: string, out: string | undefined, many: boolean): string {
  if (!out) return join(dirname(file), 'report');
  return many ? join(out, basename(dirname(file))) : out;
}

/** `unet3d report`: Table 1 beside the paper plus figures, for each results file. Returns the exit code. */
export async function runReportCommand(opts: ReportCommandOptions, io: ReportIo = STDIO): Promise<number> {
  const files = opts.files.length ? [...opts.files] : await newestResultsPerDevice(opts.results);
  if (files.length === 0) {
    throw new ConfigError(
      `no results files under ${opts.results}/ (expected ${opts.results}/<device>/<timestamp>.json)`,
      'run `unet3d bench` first (`pnpm bench` in a checkout), or pass results files: `unet3d report <file.json>`',
    );
  }
  if (opts.out && existsSync(opts.out) && !statSync(opts.out).isDirectory()) {
    throw new ConfigError(
      `--out ${opts.out} is a file, not a folder`,
      'pass a folder for the report (it is created if missing)',
    );
  }
  const { runs, errors } = await loadAll(files);
  if (errors.length) {
    printErrors(errors, io.err);
    return 1;
  }
  const analytic = io.analytic ?? flopsAnalytic();
  const reports: { source: string; markdown: string; json: string; figures: WrittenReport['figures'] }[] = [];
  const accuracy = await newestAccuracyFor(opts.results);
  for (const [i, run] of runs.entries()) {
    const file = files[i]!;
    const outDir = reportDirFor(file, opts.out, files.length > 1);
    const tuning = await tuningLogsFor(opts.results, run);
    const written = await writeReport({
      run,
      source: file,
      outDir,
      analytic,
      ...(tuning ? { tuning } : {}),
      ...(accuracy ? { accuracy } : {}),
    });
    reports.push({ source: file, ...written });
    if (!opts.json) {
      io.out(
        `report: ${written.markdown} (from ${file}; ${written.figures.length} figures as SVG, PNG and PDF)\n`,
      );
    }
  }
  if (opts.json) io.out(`${JSON.stringify({ command: 'report', reports }, null, 2)}\n`);
  return 0;
}
