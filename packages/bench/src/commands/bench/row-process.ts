import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DeviceKind } from '@unet3d/core';
import { execa } from 'execa';
import { parseBackendLine, parseProgressLine, type RowJob, type RowOutcome } from './row-job.js';

export type RowProcessResult =
  | { kind: 'outcome'; outcome: RowOutcome; wallMs: number }
  | {
      kind: 'crashed';
      reason: string;
      wallMs: number;
      /** The backend the child had resolved before it died, if it got that far. */
      resolved: { backend: string; backendDevice: DeviceKind } | null;
    };

export interface RowProcessOptions {
  /** Kill the child after this long (ms). */
  timeoutMs: number;
  /** Environment additions for the child (e.g. the cuDNN folder on the loader path). */
  env?: Record<string, string>;
  onProgress?: (phase: string, done: number, total: number) => void;
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
 * process, running this CLI's hidden `bench-row` command. A crash, a signal (e.g. the OOM killer) or a
 * timeout comes back as `crashed` with the reason and the child's last stderr lines.
 */
export async function runRowInChild(job: RowJob, options: RowProcessOptions): Promise<RowProcessResult> {
  const dir = await mkdtemp(join(tmpdir(), 'unet3d-row-'));
  const jobPath = join(dir, 'job.json');
  const outPath = join(dir, 'outcome.json');
  await writeFile(jobPath, JSON.stringify(job));
  const bin = process.argv[1];
  if (!bin) throw new Error('cannot find the CLI entry point to start a row process');
  const t0 = performance.now();
  try {
    const child = execa(
      process.execPath,
      [...process.execArgv, bin, 'bench-row', '--job', jobPath, '--out', outPath],
      {
        reject: false,
        timeout: options.timeoutMs,
        env: options.env ?? {},
        stdin: 'ignore',
        all: false,
        buffer: { stdout: true, stderr: true },
      },
    );
    let pending = '';
    let resolved: { backend: string; backendDevice: DeviceKind } | null = null;
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
        };
      }
    }
    const how = r.timedOut
      ? `timed out after ${Math.round(options.timeoutMs / 1000)} s`
      : r.signal
        ? `killed by ${r.signal}${r.signal === 'SIGKILL' ? ' (out of memory?)' : ''}`
        : `exited with code ${r.exitCode}`;
    const tail = lastLines(stderr, 3);
    const reason = tail ? `row process ${how}: ${tail}` : `row process ${how}`;
    return { kind: 'crashed', reason, wallMs, resolved };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
