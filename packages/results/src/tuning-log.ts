import { existsSync, readFileSync } from 'node:fs';
import { DataFileError } from '@unet3d/core';

/**
 * The auto-tuner's log: one measured config per line, JSON (AutoTVM's log format, versioned), written by
 * `@unet3d/backend-tvm` and read here so that tools (the report) need no backend to read it.
 */
export const RECORD_VERSION = 1;

/** Provenance written into every record. */
export interface RecordProvenance {
  /** The device measured: a GPU name, or a CPU model with its core count. */
  readonly device: string;
  /** GPU driver, or for the CPU target the C compiler used. */
  readonly driver: string;
  /** NVRTC version ('none' on the CPU). */
  readonly cuda: string;
  readonly commit: string;
  /** CPU threads the measurement ran with (CPU target; absent on CUDA). */
  readonly threads?: number;
}

/**
 * One measured config. `config.knobs` is authoritative: a reader re-encodes it into its own space, so logs
 * survive a change of candidate values; `config.index` and `space` are kept for humans and fast paths.
 */
export interface TuningRecord extends RecordProvenance {
  readonly v: typeof RECORD_VERSION;
  readonly workload: string;
  /** forward | backwardData | backwardFilter */
  readonly pass: string;
  readonly precision: string;
  /** Which target the config ran on: 'cuda' (absent in older logs) or 'cpu'. */
  readonly target?: string;
  readonly template: string;
  readonly space: string;
  /** GEMM view of the problem (FLOP = 2·m·n·k), for transfer learning across workloads. */
  readonly gemm: { readonly kind: string; readonly m: number; readonly n: number; readonly k: number };
  readonly config: { readonly index: number; readonly knobs: Readonly<Record<string, number>> };
  /** Per-repeat run times, milliseconds; empty for a failed config. */
  readonly costsMs: readonly number[];
  /** AutoTVM's MeasureErrorNo (0 = measured correctly). */
  readonly error: number;
  readonly errorName: string;
  readonly errorMsg?: string;
  /** Wall time spent on this config (build + run), seconds. */
  readonly allCostS: number;
  readonly timestamp: string;
  readonly tuner?: string;
  readonly registers?: number;
  readonly spillBytes?: number;
}

export interface LogProblem {
  readonly line: number;
  readonly message: string;
}

export interface ReadLogResult {
  readonly records: TuningRecord[];
  /** Corrupt or foreign lines, by 1-based line number (a torn last line after a crash lands here). */
  readonly problems: LogProblem[];
}

export function taskKeyOf(r: Pick<TuningRecord, 'workload' | 'pass' | 'precision'>): string {
  return `${r.workload}|${r.pass}|${r.precision}`;
}

/** Mean of a record's run times; Infinity for a failed record. */
export function recordMeanCost(r: Pick<TuningRecord, 'costsMs' | 'error'>): number {
  if (r.error !== 0 || r.costsMs.length === 0) return Number.POSITIVE_INFINITY;
  return r.costsMs.reduce((s, c) => s + c, 0) / r.costsMs.length;
}

const REQUIRED: ReadonlyArray<[keyof TuningRecord, string]> = [
  ['workload', 'string'],
  ['pass', 'string'],
  ['precision', 'string'],
  ['template', 'string'],
  ['config', 'object'],
  ['costsMs', 'object'],
  ['error', 'number'],
  ['timestamp', 'string'],
];

/** Why a parsed line is not a record of this schema, or undefined. */
export function recordProblem(o: unknown): string | undefined {
  if (typeof o !== 'object' || o === null || Array.isArray(o)) return 'not a JSON object';
  const r = o as Record<string, unknown>;
  if (r['v'] !== RECORD_VERSION) return `schema version ${String(r['v'])}, expected ${RECORD_VERSION}`;
  for (const [k, t] of REQUIRED) {
    if (typeof r[k] !== t || r[k] === null) return `field '${k}' missing or not a ${t}`;
  }
  const cfg = r['config'] as Record<string, unknown>;
  if (typeof cfg['index'] !== 'number' || typeof cfg['knobs'] !== 'object' || cfg['knobs'] === null)
    return 'config needs index and knobs';
  if (!Array.isArray(r['costsMs']) || !(r['costsMs'] as unknown[]).every((c) => typeof c === 'number'))
    return 'costsMs must be an array of numbers';
  return undefined;
}

/** Parse a log's text: records, and a problem per corrupt or foreign line (blank and `#` lines ignored). */
export function parseLog(text: string): ReadLogResult {
  const records: TuningRecord[] = [];
  const problems: LogProblem[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    let o: unknown;
    try {
      o = JSON.parse(line);
    } catch (err) {
      problems.push({ line: i + 1, message: `invalid JSON: ${(err as Error).message}` });
      return;
    }
    const why = recordProblem(o);
    if (why) problems.push({ line: i + 1, message: why });
    else records.push(o as TuningRecord);
  });
  return { records, problems };
}

/** Read a log; a missing file is an empty log. Throws DataFileError when the file cannot be read. */
export function readLog(path: string): ReadLogResult {
  if (!existsSync(path)) return { records: [], problems: [] };
  try {
    return parseLog(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new DataFileError(`cannot read tuning log ${path}: ${(err as Error).message}`, undefined, {
      cause: err,
    });
  }
}

/** One line summarising a log's bad lines (they are skipped, and left in the file), or undefined. */
export function logProblemsLine(path: string, result: ReadLogResult): string | undefined {
  if (result.problems.length === 0) return undefined;
  const first = result.problems[0]!;
  const more = result.problems.length > 1 ? ` and ${result.problems.length - 1} more` : '';
  return `tuning log ${path}: skipped ${result.problems.length} bad line(s) (line ${first.line}: ${first.message}${more}); the file is left as it is`;
}
