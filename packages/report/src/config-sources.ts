import type { BenchRun } from '@unet3d/results';

/** What a tuned backend records in `backendDetails.configSources` (see @unet3d/backend-tvm's ConfigSources). */
interface RecordedSources {
  readonly here?: unknown;
  readonly from?: unknown;
  readonly tunedHere?: unknown;
  readonly transferred?: unknown;
  readonly fallback?: unknown;
  readonly tasks?: unknown;
}

const count = (v: unknown): number => (typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : 0);

/** The devices transferred configs were measured on, from the per-task list. */
function measuredOn(tasks: unknown): string[] {
  if (typeof tasks !== 'object' || tasks === null) return [];
  const out = new Set<string>();
  for (const t of Object.values(tasks as Record<string, { measuredOn?: unknown }>))
    if (typeof t?.measuredOn === 'string') out.add(t.measuredOn);
  return [...out].sort();
}

/**
 * One line per row whose tuned backend recorded where its kernel configs came from: how many (conv
 * workload × pass) configs were tuned on this device, transferred from another device's log (`--tuning-from`,
 * and from which) or the template's untuned fallback. Rows from before this was recorded: no line.
 */
export function configSourceLines(run: BenchRun): string[] {
  const lines: string[] = [];
  for (const row of run.rows) {
    if (row.status !== 'ok') continue;
    const s = row.backendDetails['configSources'] as RecordedSources | undefined;
    if (typeof s !== 'object' || s === null) continue;
    const tuned = count(s.tunedHere);
    const transferred = count(s.transferred);
    const fallback = count(s.fallback);
    const total = tuned + transferred + fallback;
    const here = typeof s.here === 'string' ? ` (${s.here})` : '';
    const from = typeof s.from === 'string' ? s.from : null;
    const on = measuredOn(s.tasks);
    const parts = [
      `${tuned} tuned on this CPU${here}`,
      `${transferred} transferred${from ? ` from ${from} (--tuning-from: measured there, not here${on.length ? `; records of ${on.join(', ')}` : ''})` : on.length ? ` (measured on ${on.join(', ')})` : ''}`,
      `${fallback} untuned fallback${fallback === 1 ? '' : 's'}`,
    ];
    const label = row.paperRow !== null ? `Row ${row.paperRow}` : `Row ${row.id}`;
    lines.push(
      `- **${label} kernel configs** (\`${row.backend}\`, ${total} conv workload × pass): ${parts.join(', ')}.`,
    );
  }
  return lines;
}
