import type { ChosenConfig } from './autotvm/history-best.js';

/**
 * Where a task's applied config comes from: tuned on this device (searched here: a log record measured here,
 * other than a lone measurement of the fallback), transferred (a record measured on another device, applied
 * because its log was named), or the fallback (the template's default config, measured here or not).
 */
export type ConfigSource = 'tunedHere' | 'transferred' | 'fallback';

/** The results' account of a tuned backend's configs (`backendDetails.configSources`). */
export interface ConfigSources {
  /** This device's identity slug: records measured on it count as tuned here. */
  readonly here: string;
  /** The identity whose logs were applied instead of this device's (`--tuning-from`), else null. */
  readonly from: string | null;
  readonly tunedHere: number;
  readonly transferred: number;
  readonly fallback: number;
  /** Per task (`workloadKey|pass|precision`): its source, and for a transferred one the device it was measured on. */
  readonly tasks: Readonly<Record<string, { readonly source: ConfigSource; readonly measuredOn?: string }>>;
}

export interface AppliedConfig {
  readonly id: string;
  readonly chosen: ChosenConfig;
  /** The task's fallback config index (asked only for a config backed by a single record). */
  readonly fallbackIndex: () => number;
}

/** Where one applied config comes from (see ConfigSource). */
export function configSourceOf(applied: AppliedConfig, here: string): ConfigSource {
  const { chosen } = applied;
  if (chosen.source === 'default') return 'fallback';
  if (chosen.measuredOn !== here) return 'transferred';
  if ((chosen.trials ?? 1) <= 1 && chosen.index === applied.fallbackIndex()) return 'fallback';
  return 'tunedHere';
}

/** Count the applied configs by source, with the per-task list. */
export function configSources(
  applied: Iterable<AppliedConfig>,
  here: string,
  from: string | null,
): ConfigSources {
  const tasks: Record<string, { source: ConfigSource; measuredOn?: string }> = {};
  const n = { tunedHere: 0, transferred: 0, fallback: 0 };
  for (const a of applied) {
    const source = configSourceOf(a, here);
    n[source]++;
    tasks[a.id] =
      source === 'transferred' && a.chosen.measuredOn
        ? { source, measuredOn: a.chosen.measuredOn }
        : { source };
  }
  return { here, from, ...n, tasks };
}
