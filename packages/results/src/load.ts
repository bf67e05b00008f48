import { readFile } from 'node:fs/promises';
import { DataFileError } from '@unet3d/core';
import { firstInconsistency } from './consistency.js';
import { formatIssues } from './issues.js';
import { type BenchRun, BenchRunSchema, RESULTS_SCHEMA_VERSION } from './run-schema.js';

function oneLine(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}

/**
 * Validate an already-parsed value as a bench run. `where` names the source in errors. Throws
 * DataFileError for a value of another schema version, one that violates the schema, or one whose derived
 * figures (medians, spreads, GFLOP/s) disagree with its raw samples and counts (see consistency.ts).
 */
export function parseResults(value: unknown, where: string): BenchRun {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new DataFileError(
      `${where} is not a results object (found ${Array.isArray(value) ? 'an array' : typeof value})`,
      'pass a results/<device>/<timestamp>.json file written by `pnpm bench`',
    );
  }
  const version = (value as { schemaVersion?: unknown }).schemaVersion;
  if (version === undefined) {
    throw new DataFileError(
      `${where} has no schemaVersion (not a unet3d results file?)`,
      'pass a results/<device>/<timestamp>.json file written by `pnpm bench`',
    );
  }
  if (version !== RESULTS_SCHEMA_VERSION) {
    throw new DataFileError(
      `${where} has results schemaVersion ${JSON.stringify(version)}; this build reads schemaVersion ${RESULTS_SCHEMA_VERSION}`,
      typeof version === 'number' && version > RESULTS_SCHEMA_VERSION
        ? 'update unet3d-bench to a version that reads it'
        : 're-run `pnpm bench` with this build to get a current file',
    );
  }
  const parsed = BenchRunSchema.safeParse(value);
  if (!parsed.success) {
    throw new DataFileError(
      `${where} does not match results schema v${RESULTS_SCHEMA_VERSION}: ${formatIssues(parsed.error.issues)}`,
      'the file was edited or written by a broken build; re-run `pnpm bench`',
    );
  }
  const inconsistency = firstInconsistency(parsed.data);
  if (inconsistency) {
    throw new DataFileError(
      `${where} is not self-consistent: ${inconsistency}`,
      'a derived figure was edited by hand or written by a broken build; re-run `unet3d bench` (npx unet3d bench)',
    );
  }
  return parsed.data;
}

/**
 * Read and validate a results file. Every failure is a DataFileError whose one-line form says what is
 * wrong: missing file, not JSON (truncated or corrupt), another schema version, or the first schema
 * violations by path.
 */
export async function loadResults(path: string): Promise<BenchRun> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      throw new DataFileError(
        `results file not found: ${path}`,
        'check the path, or run `pnpm bench` to produce one',
        { cause: err },
      );
    }
    if (code === 'EISDIR') {
      throw new DataFileError(`results path is a directory, not a file: ${path}`, 'pass a .json file');
    }
    throw new DataFileError(
      `cannot read results file ${path}: ${oneLine((err as Error).message)}`,
      'check permissions',
      { cause: err },
    );
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    const what = text.trim() === '' ? 'is empty' : `is not valid JSON (${oneLine((err as Error).message)})`;
    throw new DataFileError(
      `results file ${path} ${what}`,
      'it is probably truncated or corrupt; re-run `pnpm bench` to write it again',
      { cause: err },
    );
  }
  return parseResults(value, `results file ${path}`);
}
