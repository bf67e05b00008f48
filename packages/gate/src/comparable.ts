import type { BenchRun } from '@unet3d/results';

/**
 * Why two runs cannot be compared: each entry names one difference (patch, batch, precision/math mode,
 * device, or a row that ran on another backend). Empty when the runs measured the same workload on the same
 * kind of machine with the same backends.
 */
export function incomparabilities(baseline: BenchRun, current: BenchRun): string[] {
  const b = baseline.provenance;
  const c = current.provenance;
  const out: string[] = [];
  if (b.patch.join(',') !== c.patch.join(',')) out.push(`patch ${b.patch.join(',')} vs ${c.patch.join(',')}`);
  if (b.batch !== c.batch) out.push(`batch ${b.batch} vs ${c.batch}`);
  if (b.precision !== c.precision) out.push(`math mode ${b.precision} vs ${c.precision}`);
  const device = (p: typeof b) => `${p.device.kind} '${p.device.name}' (${p.device.cores ?? '?'} cores)`;
  if (device(b) !== device(c)) out.push(`device ${device(b)} vs ${device(c)}`);
  const currentRows = new Map(current.rows.map((r) => [r.id, r]));
  for (const row of baseline.rows) {
    const other = currentRows.get(row.id);
    if (!other || row.status !== 'ok' || other.status !== 'ok') continue;
    const was = `${row.backend} on ${row.backendDevice}`;
    const now = `${other.backend} on ${other.backendDevice}`;
    if (was !== now) out.push(`row ${row.id} backend ${was} vs ${now}`);
  }
  return out;
}
