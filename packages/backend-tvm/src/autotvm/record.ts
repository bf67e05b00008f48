import {
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  writeSync,
} from 'node:fs';
import { dirname } from 'node:path';
import { DataFileError } from '@unet3d/core';
import { type MeasureErrorCode, meanCost, measureErrorName } from './measure-error.js';
import type { KnobValues } from './space.js';

export const RECORD_VERSION = 1;

/** Provenance written into every record. */
export interface RecordProvenance {
  readonly device: string;
  readonly driver: string;
  readonly cuda: string;
  readonly commit: string;
}

/**
 * One measured config, one JSON object per line of a tuning log (AutoTVM's log format, versioned).
 * `config.knobs` is authoritative: a reader re-encodes it into its own space, so logs survive a change of
 * candidate values; `config.index` and `space` are kept for humans and fast paths.
 */
export interface TuningRecord extends RecordProvenance {
  readonly v: typeof RECORD_VERSION;
  readonly workload: string;
  readonly pass: string;
  readonly precision: string;
  readonly template: string;
  readonly space: string;
  /** GEMM view of the problem, for transfer learning across workloads. */
  readonly gemm: { readonly kind: string; readonly m: number; readonly n: number; readonly k: number };
  readonly config: { readonly index: number; readonly knobs: KnobValues };
  readonly costsMs: readonly number[];
  readonly error: MeasureErrorCode;
  readonly errorName: string;
  readonly errorMsg?: string;
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

/** Validate a parsed line; returns the reason it is not a record, or undefined. */
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

/** Read a log; a missing file is an empty log. */
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

/** Throw DataFileError naming every corrupt line (for callers that want strictness). */
export function assertCleanLog(path: string, result: ReadLogResult): void {
  if (result.problems.length === 0) return;
  const list = result.problems.map((p) => `line ${p.line}: ${p.message}`).join('; ');
  throw new DataFileError(
    `tuning log ${path} has ${result.problems.length} bad line(s): ${list}`,
    'delete or fix those lines',
  );
}

export function serializeRecord(r: TuningRecord): string {
  const line = JSON.stringify(r);
  if (line.includes('\n')) throw new Error('record serialisation produced a newline');
  return line;
}

/**
 * Append records crash-safely: whole lines in one write, then fsync. A crash can at worst leave a torn final
 * line, which readers report as a problem and skip; appenders start on a fresh line if the file lacks one.
 */
export function appendRecords(path: string, records: readonly TuningRecord[]): void {
  if (records.length === 0) return;
  mkdirSync(dirname(path), { recursive: true });
  let prefix = '';
  if (existsSync(path)) {
    const text = readFileSync(path);
    if (text.length > 0 && text[text.length - 1] !== 0x0a) prefix = '\n';
  }
  const payload = prefix + records.map((r) => `${serializeRecord(r)}\n`).join('');
  const fd = openSync(path, 'a');
  try {
    writeSync(fd, payload);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Best (lowest mean cost, error-free) record per workload|pass|precision. */
export function pickBest(records: readonly TuningRecord[]): Map<string, TuningRecord> {
  const best = new Map<string, TuningRecord>();
  for (const r of records) {
    const c = meanCost(r);
    if (!Number.isFinite(c)) continue;
    const k = taskKeyOf(r);
    const cur = best.get(k);
    if (!cur || c < meanCost(cur)) best.set(k, r);
  }
  return best;
}

/** Write the best records to `path` atomically: temp file, fsync, rename. */
export function writeBestRecords(path: string, records: readonly TuningRecord[]): void {
  mkdirSync(dirname(path), { recursive: true });
  const best = [...pickBest(records).values()].sort((a, b) => taskKeyOf(a).localeCompare(taskKeyOf(b)));
  const tmp = `${path}.tmp-${process.pid}`;
  const fd = openSync(tmp, 'w');
  try {
    writeSync(fd, `# best configs per workload|pass|precision, schema v${RECORD_VERSION}\n`);
    writeSync(fd, best.map((r) => `${serializeRecord(r)}\n`).join(''));
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
}

export { measureErrorName };
