import { errorToOneLine } from '@unet3d/core';
import {
  compareRuns,
  DEFAULT_GATE_OPTIONS,
  type GateOptions,
  type GateOutcome,
  type GateSource,
  gateCaveats,
  gateHeadline,
  gateHint,
  gateRefusal,
  renderGateDetails,
  renderGateMarkdown,
} from '@unet3d/gate';
import { type BenchRun, describeIdentity, identityOfDevice, loadResults } from '@unet3d/results';
import writeFileAtomic from 'write-file-atomic';

/** Exit codes of `unet3d gate`. */
export const GATE_EXIT = {
  pass: 0,
  regression: 1,
  /** Bad usage, or an input that cannot be read (missing, corrupt, other schema, not self-consistent). */
  usage: 2,
  /**
   * Nothing compared: the runs are not comparable (patch, batch, math mode, device identity; or no row ran
   * alike in both), a file is noisy, or every compared row has too few samples to show a slowdown.
   */
  inconclusive: 3,
} as const;

const EXIT_OF: Record<GateOutcome, number> = {
  pass: GATE_EXIT.pass,
  regression: GATE_EXIT.regression,
  inconclusive: GATE_EXIT.inconclusive,
  'not-comparable': GATE_EXIT.inconclusive,
  noisy: GATE_EXIT.inconclusive,
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
    identity: describeIdentity(identityOfDevice(p.device)),
    commit: p.gitCommit,
    date: p.date,
    patch: p.patch,
    batch: p.batch,
    precision: p.precision,
  };
}

/** One line for one or two unreadable inputs (two are named in one line, baseline first). */
function unreadable(errors: readonly [string | null, string | null]): string | null {
  const [b, c] = errors;
  if (b && c) return `--baseline: ${b}; --current: ${c}`;
  return b ?? c;
}

/**
 * `unet3d gate`: compare two runs per row and per layer; print a Markdown summary (or JSON). Exit 0 pass,
 * 1 regression (a significant slowdown beyond the threshold in a compared row, or a row that no longer runs),
 * 2 bad usage or unreadable input (one line), 3 nothing compared: not comparable, noisy, or too few samples
 * in every compared row. A refusal (other workload or device, a noisy file) is one line on stderr,
 * `unet3d gate: not comparable: … (fix)`; --json still prints the JSON on stdout.
 */
export async function runGateCommand(opts: GateCommandOptions, io: GateIo = STDIO): Promise<number> {
  const settled = await Promise.allSettled([loadResults(opts.baseline), loadResults(opts.current)]);
  const errors = settled.map((s) => (s.status === 'rejected' ? errorToOneLine(s.reason) : null));
  const error = unreadable(errors as [string | null, string | null]);
  if (error) {
    io.err(`unet3d: error: ${error}\n`);
    return GATE_EXIT.usage;
  }
  const [baseline, current] = settled.map((s) => (s as PromiseFulfilledResult<BenchRun>).value) as [
    BenchRun,
    BenchRun,
  ];
  const options: GateOptions = { ...DEFAULT_GATE_OPTIONS, ...definedOnly(opts) };
  const result = compareRuns(baseline, current, options);
  const b = source(opts.baseline, baseline);
  const c = source(opts.current, current);
  const refusal = gateRefusal(result, b, c);
  // A refusal compared nothing: its one line is the whole summary (and the details).
  const markdown = refusal
    ? `## ⚠️ Benchmark gate: ${refusal}\n`
    : renderGateMarkdown(result, b, c, opts.details);
  try {
    if (opts.details) await writeFileAtomic(opts.details, refusal ? markdown : renderGateDetails(result));
    if (opts.summary) await writeFileAtomic(opts.summary, markdown);
  } catch (err) {
    io.err(`unet3d: error: cannot write the gate's output: ${errorToOneLine(err)} (check the path)\n`);
    return GATE_EXIT.usage;
  }
  const exitCode = EXIT_OF[result.outcome];
  if (refusal) io.err(`unet3d gate: ${refusal}\n`);
  if (opts.json) {
    const json = {
      outcome: result.outcome,
      exitCode,
      complete: result.complete,
      headline: refusal ?? gateHeadline(result).replace(/^#+\s*/, ''),
      caveats: gateCaveats(result),
      hint: refusal ? null : gateHint(result, b),
      identities: { baseline: b.identity, current: c.identity },
      crossDevice:
        options.crossDevice && result.devices.differences.length && !refusal
          ? { ...result.devices, baseline: b.identity, current: c.identity }
          : null,
      devices: result.devices,
      noisy: result.noisy,
      samplesNeededPerRow: result.samplesNeededPerRow,
      comparedRows: result.comparedRows,
      incomparable: result.incomparable,
      notComparable: result.notComparable.map((r) => ({ rowId: r.rowId, reason: r.note })),
      warnings: result.warnings,
      options: result.options,
      failures: result.failures,
      comparisons: result.comparisons,
    };
    io.out(`${JSON.stringify(json, null, 2)}\n`);
  } else if (!refusal) {
    io.out(markdown);
  }
  return exitCode;
}

function definedOnly(opts: GateCommandOptions): Partial<GateOptions> {
  const keys = [
    'maxSlowdown',
    'alpha',
    'minDeltaMs',
    'seed',
    'resamples',
    'correction',
    'crossDevice',
    'allowNoisy',
  ] as const;
  return Object.fromEntries(keys.filter((k) => opts[k] !== undefined).map((k) => [k, opts[k]]));
}
