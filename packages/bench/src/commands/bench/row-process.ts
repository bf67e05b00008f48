import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DeviceKind } from '@unet3d/core';
import { execa } from 'execa';
import { measuredProcessEnv } from './fixed-threads.js';
import { watchdogFor } from './parent-watchdog.js';
import { parseBackendLine, parseProgressLine, type RowJob, type RowOutcome } from './row-job.js';

/** The backend a child had resolved before it ended, if it got that far. */
type Resolved = { backend: string; backendDevice: DeviceKind } | null;

export type RowProcessResult =
  | { kind: 'outcome'; outcome: RowOutcome; wallMs: number }
  | {
      kind: 'crashed';
      reason: string;
      wallMs: number;
      resolved: Resolved;
      /** The signal that ended the child, if one did (SIGINT from a Ctrl-C to the group, the OOM killer…). */
      signal: string | null;
    }
  /** Stopped by this process (`signal` option aborted: the bench was interrupted). */
  | { kind: 'interrupted'; wallMs: number; resolved: Resolved };

/** Temp folders of row jobs: `unet3d-row-<pid of the bench>-XXXXXX` under the OS temp folder. */
const ROW_DIR_PREFIX = 'unet3d-row-';

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Remove row-job folders whose bench process is gone (a bench killed with SIGKILL cannot clean up; its
 * child removes its own folder when it notices, this catches the rest). Folders of live processes stay.
 * Returns the folders removed.
 */
export async function sweepOrphanRowFolders(dir = tmpdir()): Promise<string[]> {
  const removed: string[] = [];
  const names = await readdir(dir).catch(() => [] as string[]);
  for (const name of names) {
    const m = new RegExp(`^${ROW_DIR_PREFIX}(\\d+)-`).exec(name);
    if (!m || isAlive(Number(m[1]))) continue;
    await rm(join(dir, name), { recursive: true, force: true }).catch(() => {});
    removed.push(join(dir, name));
  }
  return removed;
}

export interface RowProcessOptions {
  /** Kill the child after this long (ms). */
  timeoutMs: number;
  /** Environment additions for the child (e.g. the cuDNN folder on the loader path). */
  env?: Record<string, string>;
  onProgress?: (phase: string, done: number, total: number) => void;
  /** Abort to stop the child (SIGTERM, SIGKILL 3 s later): the result is then `interrupted`. */
  signal?: AbortSignal;
}

function lastLines(text: string, n: number): string {
  return text
    .split('\n')
    .filter((l) => l.trim() && !l.startsWith('@@'))
    .slice(-n)
    .join(' | ');
}

/**
 * Run one row in a fresh child process (never a shell): the same Node binary and loader flags as this
 * process, running this CLI's hidden `bench-row` command, with the load guard off and the thread count fixed
 * (measuredProcessEnv). A crash, a signal (e.g. the OOM killer) or a
 * timeout comes back as `crashed` with the reason and the child's last stderr lines; an abort of
 * `options.signal` as `interrupted`. The child dies with this process even when this one is killed with
 * SIGKILL (parent-watchdog.ts); its job folder is removed in every case.
 */
export async function runRowInChild(job: RowJob, options: RowProcessOptions): Promise<RowProcessResult> {
  const dir = await mkdtemp(join(tmpdir(), `${ROW_DIR_PREFIX}${process.pid}-`));
  const jobPath = join(dir, 'job.json');
  const outPath = join(dir, 'outcome.json');
  await writeFile(jobPath, JSON.stringify(job));
  const bin = process.argv[1];
  if (!bin) throw new Error('cannot find the CLI entry point to start a row process');
  const t0 = performance.now();
  const watchdog = watchdogFor(dir);
  try {
    const child = execa(
      process.execPath,
      [...process.execArgv, ...watchdog.execArgv, bin, 'bench-row', '--job', jobPath, '--out', outPath],
      {
        reject: false,
        timeout: options.timeoutMs,
        ...(options.signal ? { cancelSignal: options.signal } : {}),
        forceKillAfterDelay: 3000,
        env: { ...options.env, ...measuredProcessEnv(), ...watchdog.env },
        stdin: 'ignore',
        all: false,
        buffer: { stdout: true, stderr: true },
      },
    );
    let pending = '';
    let resolved: Resolved = null;
    child.stderr?.on('data', (chunk: Buffer) => {
      pending += chunk.toString();
      let nl = pending.indexOf('\n');
      while (nl >= 0) {
        const line = pending.slice(0, nl);
        const p = parseProgressLine(line);
        if (p) options.onProgress?.(p.phase, p.done, p.total);
        resolved = parseBackendLine(line) ?? resolved;
        pending = pending.slice(nl + 1);
        nl = pending.indexOf('\n');
      }
    });
    const r = await child;
    const wallMs = performance.now() - t0;
    const stderr = typeof r.stderr === 'string' ? r.stderr : '';
    if (r.exitCode === 0) {
      try {
        return {
          kind: 'outcome',
          outcome: JSON.parse(await readFile(outPath, 'utf8')) as RowOutcome,
          wallMs,
        };
      } catch {
        return {
          kind: 'crashed',
          reason: 'the row process exited 0 without writing its outcome',
          wallMs,
          resolved,
          signal: null,
        };
      }
    }
    if (r.isCanceled) return { kind: 'interrupted', wallMs, resolved };
    const how = r.timedOut
      ? `timed out after ${Math.round(options.timeoutMs / 1000)} s`
      : r.signal
        ? `killed by ${r.signal}${r.signal === 'SIGKILL' ? ' (out of memory?)' : ''}`
        : `exited with code ${r.exitCode}`;
    const tail = lastLines(stderr, 3);
    const reason = tail ? `row process ${how}: ${tail}` : `row process ${how}`;
    return { kind: 'crashed', reason, wallMs, resolved, signal: r.timedOut ? null : (r.signal ?? null) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
