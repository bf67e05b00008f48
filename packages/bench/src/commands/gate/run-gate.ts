import { errorToOneLine } from '@unet3d/core';
import {
  compareRuns,
  DEFAULT_GATE_OPTIONS,
  type GateOptions,
  type GateOutcome,
  type GateSource,
  gateHeadline,
  gateHint,
  renderGateDetails,
  renderGateMarkdown,
} from '@unet3d/gate';
import { type BenchRun, loadResults } from '@unet3d/results';
import writeFileAtomic from 'write-file-atomic';

/** Exit codes of `unet3d gate`. */
export const GATE_EXIT = {
  pass: 0,
  regression: 1,
  /** Bad usage, or an input that cannot be read (missing, corrupt, other schema, not self-consistent). */
  usage: 2,
  /** Runs not comparable (backend, patch, math mode, device) or too few samples to show a slowdown. */
  inconclusive: 3,
} as const;

const EXIT_OF: Record<GateOutcome, number> = {
  pass: GATE_EXIT.pass,
  regression: GATE_EXIT.regression,
  inconclusive: GATE_EXIT.inconclusive,
  'not-comparable': GATE_EXIT.inconclusive,
};

export interface GateCommandOptions extends Partial<GateOptions> {
  readonly baseline: string;
  readonly current: string;
  /** Also write the Markdown summary here (for a pull-request comment). */
  readonly summary?: string | undefined;
  /** Write the full table (rows and every per-layer entry) here. */
  readonly details?: string | undefined;
  /** Print the result as JSON instead of Markdown. */
  readonly json?: boolean | undefined;
}

export interface GateIo {
  out(text: string): void;
  err(text: string): void;
}

const STDIO: GateIo = { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) };

function source(path: string, run: BenchRun): GateSource {
  const p = run.provenance;
  return {
    path,
    device: p.device.name,
    commit: p.gitCommit,
    date: p.date,
    patch: p.patch,
    batch: p.batch,
    precision: p.precision,
  };
}

/**
 * `unet3d gate`: compare two runs per row and per layer; print a Markdown summary (or JSON). Exit 0 pass,
 * 1 regression (a significant slowdown beyond the threshold, or a row that no longer runs), 2 bad usage or
 * unreadable input, 3 runs not comparable or too few samples to show a slowdown.
 */
export async function runGateCommand(opts: GateCommandOptions, io: GateIo = STDIO): Promise<number> {
  const settled = await Promise.allSettled([loadResults(opts.baseline), loadResults(opts.current)]);
  const errors = settled.flatMap((s) => (s.status === 'rejected' ? [errorToOneLine(s.reason)] : []));
  if (errors.length) {
    for (const e of errors) io.err(`unet3d: error: ${e}\n`);
    return GATE_EXIT.usage;
  }
  const [baseline, current] = settled.map((s) => (s as PromiseFulfilledResult<BenchRun>).value) as [
    BenchRun,
    BenchRun,
  ];
  const options: GateOptions = { ...DEFAULT_GATE_OPTIONS, ...definedOnly(opts) };
  const result = compareRuns(baseline, current, options);
  const b = source(opts.baseline, baseline);
  const markdown = renderGateMarkdown(result, b, source(opts.current, current), opts.details);
  try {
    if (opts.details) await writeFileAtomic(opts.details, renderGateDetails(result));
    if (opts.summary) await writeFileAtomic(opts.summary, markdown);
  } catch (err) {
    io.err(`unet3d: error: cannot write the gate's output: ${errorToOneLine(err)} (check the path)\n`);
    return GATE_EXIT.usage;
  }
  const exitCode = EXIT_OF[result.outcome];
  if (opts.json) {
    const json = {
      outcome: result.outcome,
      exitCode,
      headline: gateHeadline(result).replace(/^#+\s*/, ''),
      hint: gateHint(result, b),
      samplesNeededPerRow: result.samplesNeededPerRow,
      incomparable: result.incomparable,
      warnings: result.warnings,
      options: result.options,
      failures: result.failures,
      comparisons: result.comparisons,
    };
    io.out(`${JSON.stringify(json, null, 2)}\n`);
  } else {
    io.out(markdown);
  }
  return exitCode;
}

function definedOnly(opts: GateCommandOptions): Partial<GateOptions> {
  const keys = ['maxSlowdown', 'alpha', 'minDeltaMs', 'seed', 'resamples', 'correction'] as const;
  return Object.fromEntries(keys.filter((k) => opts[k] !== undefined).map((k) => [k, opts[k]]));
}
