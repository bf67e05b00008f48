import { join } from 'node:path';
import { DataFileError, writeFileAtomic } from '@unet3d/core';
import { firstInconsistency } from './consistency.js';
import { deviceFolderSlug } from './identity-of-device.js';
import { formatIssues } from './issues.js';
import { type BenchRun, type BenchRunInput, BenchRunSchema } from './run-schema.js';

/** The run as the loader will read it, or DataFileError: a file `loadResults` would refuse is never written. */
function validRun(path: string, run: BenchRunInput): BenchRun {
  const parsed = BenchRunSchema.safeParse(run);
  if (!parsed.success) {
    throw new DataFileError(
      `refusing to write an invalid results file ${path}: ${formatIssues(parsed.error.issues)}`,
      'this is a bug in the writer; the run was not saved',
    );
  }
  const inconsistency = firstInconsistency(parsed.data);
  if (inconsistency) {
    throw new DataFileError(
      `refusing to write a results file that is not self-consistent ${path}: ${inconsistency}`,
      'this is a bug in the writer; the run was not saved',
    );
  }
  return parsed.data;
}

/**
 * Validate `run` (schema and self-consistency, as `loadResults` checks them) and write it to `path`
 * atomically and never over an existing file (core's writeFileAtomic with `overwrite: 'never'`: temp file,
 * fsync, hard link, folder fsync). Creates the directory. Returns the validated run (defaults filled in).
 */
export async function writeResultsAtomic(path: string, run: BenchRunInput): Promise<BenchRun> {
  const parsed = { data: validRun(path, run) };
  try {
    await writeFileAtomic(path, `${JSON.stringify(parsed.data, null, 2)}\n`, { overwrite: 'never' });
  } catch (err) {
    if (err instanceof DataFileError && /refusing to overwrite/.test(err.message)) {
      throw new DataFileError(
        `refusing to overwrite existing results file ${path}`,
        'results are never replaced; write to a new timestamped file',
        { cause: err },
      );
    }
    throw err;
  }
  return parsed.data;
}

/** `2025-01-31T12-05-09.123Z`: an ISO timestamp safe in file names on every OS. */
export function fileTimestamp(date: Date): string {
  return date.toISOString().replace(/:/g, '-');
}

/** results/<device-slug>/<timestamp>.json for a run (by its provenance device and date). */
export function resultsPathFor(resultsRoot: string, run: BenchRunInput): string {
  const { device, date } = run.provenance;
  const slug = deviceFolderSlug(device);
  return join(resultsRoot, slug, `${fileTimestamp(new Date(date))}.json`);
}

/**
 * Write a run under results/<device-slug>/<timestamp>.json; if that name is taken (two runs in the same
 * millisecond), appends -1, -2, ... Returns the path written.
 */
export async function writeRunToResultsDir(resultsRoot: string, run: BenchRunInput): Promise<string> {
  const base = resultsPathFor(resultsRoot, run);
  for (let n = 0; n < 100; n++) {
    const path = n === 0 ? base : base.replace(/\.json$/, `-${n}.json`);
    try {
      await writeResultsAtomic(path, run);
      return path;
    } catch (err) {
      if (err instanceof DataFileError && /refusing to overwrite/.test(err.message)) continue;
      throw err;
    }
  }
  throw new DataFileError(`too many results files named like ${base}`, 'clean up the results directory');
}

/**
 * Replace the results file of a run that is still being measured (bench rewrites its own file after every
 * row, and `bench --resume` fills in the rows it lacked): validated like `writeResultsAtomic`, then written
 * atomically over `path` (temp file, fsync, rename, folder fsync), so a reader or a crash sees the previous
 * version or this one, never part of either. Returns the validated run.
 */
export async function rewriteResultsAtomic(path: string, run: BenchRunInput): Promise<BenchRun> {
  const data = validRun(path, run);
  await writeFileAtomic(path, `${JSON.stringify(data, null, 2)}\n`);
  return data;
}
