import { writeFile } from 'node:fs/promises';
import { compareRuns, DEFAULT_GATE_OPTIONS, type GateOptions, renderGateMarkdown } from '@unet3d/report';
import type { BenchRun } from '@unet3d/results';
import { loadAll, printErrors } from '../report/load-all.js';

export interface GateCommandOptions extends Partial<GateOptions> {
  readonly baseline: string;
  readonly current: string;
  /** Also write the Markdown summary here (for a pull-request comment). */
  readonly summary?: string | undefined;
}

export interface GateIo {
  out(text: string): void;
  err(text: string): void;
}

const STDIO: GateIo = { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) };

function source(path: string, run: BenchRun) {
  const p = run.provenance;
  return { path, device: p.device.name, commit: p.gitCommit, date: p.date };
}

/**
 * `unet3d gate`: compare two runs per row and per layer; print a Markdown summary. Exit 1 on a significant
 * slowdown beyond the threshold (or a row that no longer runs) or on invalid input, else 0.
 */
export async function runGateCommand(opts: GateCommandOptions, io: GateIo = STDIO): Promise<number> {
  const { runs, errors } = await loadAll([opts.baseline, opts.current]);
  if (errors.length) {
    printErrors(errors, io.err);
    return 1;
  }
  const [baseline, current] = runs as [BenchRun, BenchRun];
  const options: GateOptions = {
    maxSlowdown: opts.maxSlowdown ?? DEFAULT_GATE_OPTIONS.maxSlowdown,
    alpha: opts.alpha ?? DEFAULT_GATE_OPTIONS.alpha,
    seed: opts.seed ?? DEFAULT_GATE_OPTIONS.seed,
    resamples: opts.resamples ?? DEFAULT_GATE_OPTIONS.resamples,
    correction: opts.correction ?? DEFAULT_GATE_OPTIONS.correction,
  };
  const result = compareRuns(baseline, current, options);
  const markdown = renderGateMarkdown(result, source(opts.baseline, baseline), source(opts.current, current));
  io.out(markdown);
  if (opts.summary) await writeFile(opts.summary, markdown);
  return result.failed ? 1 : 0;
}
