import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { link, mkdir, open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { DataFileError } from '@unet3d/core';
import { deviceSlug } from './device-slug.js';
import { formatIssues } from './issues.js';
import { type BenchRun, type BenchRunInput, BenchRunSchema } from './run-schema.js';

async function fsyncDir(dir: string): Promise<void> {
  try {
    const handle = await open(dir, constants.O_RDONLY);
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // Some platforms cannot fsync a directory; the file itself is already synced.
  }
}

/**
 * Validate `run` and write it to `path` atomically: write a temp file in the same directory, fsync it,
 * then publish it under `path` with a hard link (which fails if `path` exists, so nothing is overwritten)
 * — or, where hard links are unsupported, a rename after checking `path` is free. Creates the directory.
 * Returns the validated run (with defaults filled in).
 */
export async function writeResultsAtomic(path: string, run: BenchRunInput): Promise<BenchRun> {
  const parsed = BenchRunSchema.safeParse(run);
  if (!parsed.success) {
    throw new DataFileError(
      `refusing to write an invalid results file ${path}: ${formatIssues(parsed.error.issues)}`,
      'this is a bug in the writer; the run was not saved',
    );
  }
  const dir = dirname(path);
  await mkdir(dir, { recursive: true });
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  const handle = await open(tmp, 'wx');
  try {
    await handle.writeFile(`${JSON.stringify(parsed.data, null, 2)}\n`, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    try {
      await link(tmp, path);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') throw err;
      // No hard links here (some network or FAT filesystems): check-then-rename.
      const probe = await open(path, 'wx').catch((e: NodeJS.ErrnoException) => e);
      if (probe instanceof Error) throw probe;
      await probe.close();
      await rename(tmp, path);
    }
  } catch (err) {
    await unlink(tmp).catch(() => {});
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') {
      throw new DataFileError(
        `refusing to overwrite existing results file ${path}`,
        'results are never replaced; write to a new timestamped file',
        { cause: err },
      );
    }
    throw err;
  }
  await unlink(tmp).catch(() => {});
  await fsyncDir(dir);
  return parsed.data;
}

/** `2025-01-31T12-05-09.123Z`: an ISO timestamp safe in file names on every OS. */
export function fileTimestamp(date: Date): string {
  return date.toISOString().replace(/:/g, '-');
}

/** results/<device-slug>/<timestamp>.json for a run (by its provenance device and date). */
export function resultsPathFor(resultsRoot: string, run: BenchRunInput): string {
  const { device, date } = run.provenance;
  const slug = deviceSlug({ kind: device.kind, name: device.name, cores: device.cores ?? undefined });
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
