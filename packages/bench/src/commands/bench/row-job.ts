import type { BackendFailure, DeviceKind, MathMode } from '@unet3d/core';
import type { PerLayerTiming } from '@unet3d/results';
import type { Table1Row } from './table1-rows.js';

/** How many iterations a row runs in each phase. */
export interface IterationCounts {
  readonly warmupIterations: number;
  readonly iterations: number;
  /** Extra iterations run with per-layer timing hooks on (after the timed ones, so hooks never skew them). */
  readonly profileIterations: number;
}

/**
 * The defaults, which depend on the device the row's backend turned out to run on (known only in the
 * child): a GPU step is short, so more samples; a CPU step of the paper patch takes seconds.
 */
export function defaultIterationCounts(kind: DeviceKind, quick: boolean): IterationCounts {
  if (kind === 'cuda') return { warmupIterations: 5, iterations: quick ? 3 : 20, profileIterations: 3 };
  return { warmupIterations: quick ? 1 : 2, iterations: quick ? 3 : 5, profileIterations: 1 };
}

/** What the parent asks one child process to measure (passed as a JSON file). */
export interface RowJob {
  readonly row: Table1Row;
  /** Conv backends (registry names) to try in order; the first that can be created here runs the row. */
  readonly candidates: readonly string[];
  readonly mathMode: MathMode;
  readonly patch: readonly [number, number, number];
  readonly batch: number;
  /** Iteration counts given on the command line; the rest default by device (defaultIterationCounts). */
  readonly counts: Partial<IterationCounts>;
  readonly quick: boolean;
  readonly seed: number;
  /** The results root (`--results`): where a tuned backend finds this machine's tuning logs (results/tuning/). */
  readonly resultsRoot?: string;
  /** A CPU identity slug whose tuning logs the tuned CPU backend applies instead of this CPU's (`--tuning-from`). */
  readonly tuningFrom?: string;
  /** Test hook: the child kills itself (SIGKILL, as the OOM killer would) after warm-up. */
  readonly injectCrash?: boolean;
}

/** What the child reports back (as a JSON file). */
export interface RowOutcome {
  readonly status: 'ok' | 'not-run';
  readonly reason?: string;
  /** The backend that ran (or, when none could, the first candidate) and its device kind. */
  readonly backend: string;
  readonly backendDevice: DeviceKind;
  /** Candidates tried before the one that ran (all of them when the row is not run), with why. */
  readonly resolutionFailures: readonly BackendFailure[];
  readonly counts: IterationCounts;
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

/** The line a child writes once its backend is resolved: `@@backend <name> <device kind>`. */
export const BACKEND_PREFIX = '@@backend ';

export function backendLine(name: string, kind: DeviceKind): string {
  return `${BACKEND_PREFIX}${name} ${kind}\n`;
}

export function parseBackendLine(line: string): { backend: string; backendDevice: DeviceKind } | null {
  if (!line.startsWith(BACKEND_PREFIX)) return null;
  const [backend, kind] = line.slice(BACKEND_PREFIX.length).trim().split(' ');
  if (!backend || (kind !== 'cpu' && kind !== 'cuda')) return null;
  return { backend, backendDevice: kind };
}

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
