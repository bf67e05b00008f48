import { mkdirSync, statSync } from 'node:fs';
import { mkdir, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { DataFileError } from './errors.js';

/**
 * Why this module exists: Node's `mkdir(path, { recursive: true })` never returns for a folder under a
 * pseudo file system that refuses new entries with ENOENT (`/proc/nope`, `/sys/…`): it keeps retrying the
 * parent that exists. These create the missing folders one level at a time from the nearest existing
 * ancestor, so every refusal is an error naming the folder.
 */

/** The missing folders of `path`, outermost first (the nearest existing ancestor is not included). */
function missingChain(path: string, exists: (p: string) => boolean): string[] {
  const chain: string[] = [];
  let p = resolve(path);
  while (!exists(p)) {
    chain.unshift(p);
    const parent = dirname(p);
    if (parent === p) break;
    p = parent;
  }
  return chain;
}

function refusal(path: string, dir: string, err: unknown): DataFileError {
  const code = (err as NodeJS.ErrnoException).code ?? 'error';
  return new DataFileError(
    `cannot create folder ${path}: ${code} at ${dir}`,
    'pass a folder on a writable file system (a path under /proc or /sys takes no new folders)',
    { cause: err },
  );
}

const existsSyncDir = (p: string): boolean => {
  try {
    statSync(p);
    return true;
  } catch {
    return false;
  }
};

/** Create `path` and its missing parents (like `mkdir -p`). Throws DataFileError naming the folder it could not create. */
export async function makeDirectory(path: string): Promise<void> {
  const chain = missingChain(path, existsSyncDir);
  for (const dir of chain) {
    try {
      await mkdir(dir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST' && (await stat(dir)).isDirectory()) continue;
      throw refusal(path, dir, err);
    }
  }
  if (chain.length === 0 && !(await stat(path)).isDirectory()) {
    throw new DataFileError(
      `cannot create folder ${path}: a file is in the way`,
      'pass a folder, not a file',
    );
  }
}

/** makeDirectory, synchronously. */
export function makeDirectorySync(path: string): void {
  const chain = missingChain(path, existsSyncDir);
  for (const dir of chain) {
    try {
      mkdirSync(dir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST' && statSync(dir).isDirectory()) continue;
      throw refusal(path, dir, err);
    }
  }
  if (chain.length === 0 && !statSync(path).isDirectory()) {
    throw new DataFileError(
      `cannot create folder ${path}: a file is in the way`,
      'pass a folder, not a file',
    );
  }
}
