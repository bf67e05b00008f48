import { execFileSync } from 'node:child_process';

/** The checkout's commit (read-only `git rev-parse HEAD`), or 'unknown'. */
export function gitCommit(cwd: string = process.cwd()): string {
  try {
    return execFileSync('git', ['rev-parse', 'HEAD'], { cwd, stdio: ['ignore', 'pipe', 'ignore'] })
      .toString()
      .trim();
  } catch {
    return 'unknown';
  }
}
