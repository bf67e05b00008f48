import type { MathMode } from '@unet3d/core';
import type { PerLayerTiming } from '@unet3d/results';
import type { Table1Row } from './table1-rows.js';

/** What the parent asks one child process to measure (passed as a JSON file). */
export interface RowJob {
  readonly row: Table1Row;
  readonly backend: string;
  readonly mathMode: MathMode;
  readonly patch: readonly [number, number, number];
  readonly batch: number;
  readonly warmupIterations: number;
  readonly iterations: number;
  /** Extra iterations run with per-layer timing hooks on (after the timed ones, so hooks never skew them). */
  readonly profileIterations: number;
  readonly seed: number;
  /** Test hook: the child kills itself (SIGKILL, as the OOM killer would) after warm-up. */
  readonly injectCrash?: boolean;
}

/** What the child reports back (as a JSON file). */
export interface RowOutcome {
  readonly status: 'ok' | 'not-run';
  readonly reason?: string;
  readonly samplesMs: number[];
  readonly perLayer: PerLayerTiming[];
  readonly backendDetails: Record<string, unknown>;
  readonly device: { kind: 'cpu' | 'cuda'; name: string; details: Record<string, string | number> } | null;
  readonly peakHostRssBytes: number | null;
  readonly peakDeviceBytes: number | null;
  /** Harness cost per timed iteration: run-phase wall time minus the sum of samples, divided by iterations. */
  readonly harnessOverheadMs: number | null;
  readonly finalLoss: number | null;
}

/** Progress lines a child writes on stderr: `@@progress <phase> <done> <total>`. */
export const PROGRESS_PREFIX = '@@progress ';

export function progressLine(phase: string, done: number, total: number): string {
  return `${PROGRESS_PREFIX}${phase} ${done} ${total}\n`;
}

export function parseProgressLine(line: string): { phase: string; done: number; total: number } | null {
  if (!line.startsWith(PROGRESS_PREFIX)) return null;
  const [phase, done, total] = line.slice(PROGRESS_PREFIX.length).trim().split(' ');
  const d = Number(done);
  const t = Number(total);
  if (!phase || !Number.isFinite(d) || !Number.isFinite(t)) return null;
  return { phase, done: d, total: t };
}
