import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { link, open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { DataFileError, errorToOneLine } from './errors.js';
import { makeDirectory } from './make-directory.js';

export interface WriteFileAtomicOptions {
  /**
   * 'replace' (default): an existing file is replaced (rename). 'never': an existing file is never touched
   * and the write fails with DataFileError 'refusing to overwrite' (published with a hard link, which fails
   * on an existing name; where hard links are unsupported, a check-then-rename).
   */
  overwrite?: 'replace' | 'never';
}

/** fsync a folder so a rename or link in it survives a crash; a no-op where folders cannot be synced. */
async function fsyncDir(dir: string): Promise<void> {
  try {
    const handle = await open(dir, constants.O_RDONLY);
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // Some platforms and file systems cannot fsync a directory; the file itself is already synced.
  }
}

/** Publish `tmp` under `path` without replacing anything there. */
async function publishNew(tmp: string, path: string): Promise<void> {
  try {
    await link(tmp, path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') throw err;
    // No hard links here (some network or FAT file systems): check-then-rename.
    const probe = await open(path, 'wx');
    await probe.close();
    await rename(tmp, path);
  }
}

/**
 * Write `data` to `path` so that a reader (or a crash, or a kill) sees either the old state or the whole new
 * file, never part of it: a uniquely named temp file in the same folder (created exclusively), written and
 * fsynced, then renamed (or hard-linked) into place, then the folder fsynced. Creates the folder.
 *
 * We write our own (≈50 lines) rather than use `write-file-atomic` because results need the no-overwrite
 * publication (hard link) and the folder fsync, which that package does not do.
 *
 * Errors: DataFileError naming the path ('refusing to overwrite …' when `overwrite: 'never'` meets an
 * existing file); the temp file is removed on every failure.
 */
export async function writeFileAtomic(
  path: string,
  data: string | Uint8Array,
  options: WriteFileAtomicOptions = {},
): Promise<void> {
  const dir = dirname(path);
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  let publishing = false;
  try {
    await makeDirectory(dir);
    const handle = await open(tmp, 'wx');
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    publishing = true;
    if (options.overwrite === 'never') await publishNew(tmp, path);
    else await rename(tmp, path);
  } catch (err) {
    await unlink(tmp).catch(() => {});
    if (publishing && (err as NodeJS.ErrnoException).code === 'EEXIST') {
      throw new DataFileError(
        `refusing to overwrite existing file ${path}`,
        'write to a new name; this file is never replaced',
        { cause: err },
      );
    }
    throw new DataFileError(
      `cannot write ${path}: ${errorToOneLine(err)}`,
      'check the folder and free space',
      {
        cause: err,
      },
    );
  }
  await unlink(tmp).catch(() => {}); // still there after a hard link
  await fsyncDir(dir);
}
