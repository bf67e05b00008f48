import { execFileSync } from 'node:child_process';
import { closeSync, openSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Write `<dir>/node.xz`: the running Node binary (process.execPath, Node >= 20), compressed with the system
 * `xz`, so the GPU bundle travels with the one program it needs. Written under a temporary name, then renamed.
 */
export function writeNodeXz(dir: string): { path: string; bytes: number } {
  const path = join(dir, 'node.xz');
  const tmp = `${path}.${process.pid}.tmp`;
  const fd = openSync(tmp, 'w');
  try {
    execFileSync('xz', ['-c', '-6', process.execPath], { stdio: ['ignore', fd, 'pipe'] });
    closeSync(fd);
    renameSync(tmp, path);
  } catch (err) {
    closeSync(fd);
    rmSync(tmp, { force: true });
    throw new Error(`cannot compress ${process.execPath} with xz: ${(err as Error).message.split('\n')[0]}`);
  }
  return { path, bytes: statSync(path).size };
}
