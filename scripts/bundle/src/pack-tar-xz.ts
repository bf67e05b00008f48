import { execFileSync } from 'node:child_process';
import { renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname } from 'node:path';

/**
 * Pack `dir` as `<dir>.tar.xz` (one top folder, the bundle's name) with the system `tar` and `xz` — the
 * tools the receiving machine unpacks it with (`tar -xJf`). Written under a temporary name, then renamed.
 */
export function packTarXz(dir: string): { path: string; bytes: number } {
  const path = `${dir}.tar.xz`;
  const tmp = `${path}.${process.pid}.tmp`;
  try {
    execFileSync('tar', ['-C', dirname(dir), '--owner=0', '--group=0', '-cJf', tmp, basename(dir)], {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, XZ_OPT: '-6' },
    });
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw new Error(`cannot pack ${dir} with tar + xz: ${(err as Error).message.split('\n')[0]}`);
  }
  return { path, bytes: statSync(path).size };
}
