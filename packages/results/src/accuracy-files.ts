import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DataFileError, writeFileAtomic } from '@unet3d/core';
import {
  ACCURACY_SCHEMA_VERSION,
  type AccuracyResults,
  type AccuracyResultsInput,
  AccuracyResultsSchema,
} from './accuracy-schema.js';
import { formatIssues } from './issues.js';
import { fileTimestamp } from './write.js';

/**
 * Layout: accuracy runs live in `results/accuracy/accuracy-<timestamp>.json` (one folder for every data
 * source and device: the file itself records both). The `accuracy-` prefix keeps them out of the bench
 * results finder (`newestResultsPerDevice` only takes `<timestamp>.json` names).
 */
export const ACCURACY_DIR = 'accuracy';

const ACCURACY_FILE = /^accuracy-\d{4}-\d{2}-\d{2}T[\d-]+(?:\.\d+)?Z(?:-\d+)?\.json$/;

export function isAccuracyFileName(name: string): boolean {
  return ACCURACY_FILE.test(name);
}

/** results/accuracy/accuracy-<timestamp>.json for a run date. */
export function accuracyPathFor(resultsRoot: string, date: Date, suffix = 0): string {
  return join(
    resultsRoot,
    ACCURACY_DIR,
    `accuracy-${fileTimestamp(date)}${suffix === 0 ? '' : `-${suffix}`}.json`,
  );
}

/**
 * Validate and write an accuracy results file under results/accuracy/, atomically (temp + fsync + hard link
 * + folder fsync) and never over an existing file; a name taken by a run of the same millisecond gets -1,
 * -2, … Throws DataFileError for a file that violates the schema (nothing is written). Returns the path.
 */
export async function writeAccuracyResults(resultsRoot: string, file: AccuracyResultsInput): Promise<string> {
  const parsed = AccuracyResultsSchema.safeParse(file);
  if (!parsed.success) {
    throw new DataFileError(
      `refusing to write an invalid accuracy results file: ${formatIssues(parsed.error.issues)}`,
      'this is a bug in the writer; the run was not saved',
    );
  }
  const text = `${JSON.stringify(parsed.data, null, 2)}\n`;
  const date = new Date(parsed.data.provenance.date);
  for (let n = 0; n < 100; n++) {
    const path = accuracyPathFor(resultsRoot, date, n);
    try {
      await writeFileAtomic(path, text, { overwrite: 'never' });
      return path;
    } catch (err) {
      if (err instanceof DataFileError && /refusing to overwrite/.test(err.message)) continue;
      throw err;
    }
  }
  throw new DataFileError(
    `too many accuracy results files of ${date.toISOString()}`,
    'clean up results/accuracy',
  );
}

function compareNames(a: string, b: string): number {
  const key = (n: string): [string, number] => {
    const m = /^(.*?Z)(?:-(\d+))?\.json$/.exec(n);
    return [m?.[1] ?? n, Number(m?.[2] ?? 0)];
  };
  const [ta, na] = key(a);
  const [tb, nb] = key(b);
  return ta < tb ? -1 : ta > tb ? 1 : na - nb;
}

/** The newest accuracy results file under results/accuracy/ (by the timestamp in its name), or undefined. */
export async function newestAccuracyResults(resultsRoot: string): Promise<string | undefined> {
  let names: string[];
  try {
    names = await readdir(join(resultsRoot, ACCURACY_DIR));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  const sorted = names.filter(isAccuracyFileName).sort(compareNames);
  const newest = sorted[sorted.length - 1];
  return newest ? join(resultsRoot, ACCURACY_DIR, newest) : undefined;
}

/**
 * Read and validate an accuracy results file. DataFileError (one line) for a missing, non-JSON, other-version
 * or schema-violating file.
 */
export async function loadAccuracyResults(path: string): Promise<AccuracyResults> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new DataFileError(`cannot read accuracy results ${path}: ${(err as Error).message}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new DataFileError(
      `accuracy results ${path} is not JSON (${(err as Error).message})`,
      'the file is truncated or corrupt; re-run the accuracy protocol',
    );
  }
  const version = (value as { schemaVersion?: unknown } | null)?.schemaVersion;
  if (version !== ACCURACY_SCHEMA_VERSION) {
    throw new DataFileError(
      `accuracy results ${path} has schemaVersion ${JSON.stringify(version)}; this build reads ${ACCURACY_SCHEMA_VERSION}`,
      're-run the accuracy protocol with this build',
    );
  }
  const parsed = AccuracyResultsSchema.safeParse(value);
  if (!parsed.success) {
    throw new DataFileError(
      `accuracy results ${path} does not match schema v${ACCURACY_SCHEMA_VERSION}: ${formatIssues(parsed.error.issues)}`,
      'the file was edited or written by a broken build; re-run the accuracy protocol',
    );
  }
  return parsed.data;
}
