import { closeSync, existsSync, fsyncSync, openSync, readFileSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { DataFileError, makeDirectorySync } from '@unet3d/core';
import { type ReadLogResult, type TuningRecord, taskKeyOf } from '@unet3d/results';
import { meanCost, measureErrorName } from './measure-error.js';

export {
  type LogProblem,
  logProblemsLine,
  parseLog,
  RECORD_VERSION,
  type ReadLogResult,
  type RecordProvenance,
  readLog,
  recordProblem,
  type TuningRecord,
  taskKeyOf,
} from '@unet3d/results';

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
  makeDirectorySync(dirname(path));
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

export { measureErrorName };
