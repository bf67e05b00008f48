import type { BenchRowInput } from '@unet3d/results';

/** A plain-text summary of the rows for the terminal (the report has the full table). */
export function summaryTable(rows: readonly BenchRowInput[]): string {
  const lines = ['row               backend       status   median/iter   GFLOP/s (MAC=1 op)'];
  for (const r of rows) {
    const median = r.medianMs != null ? `${(r.medianMs / 1000).toFixed(3)} s` : '-';
    const rate = r.gflopPerSecond ? r.gflopPerSecond.macAsOneOp.toFixed(1) : '-';
    lines.push(
      `${r.id.padEnd(18)}${r.backend.padEnd(14)}${r.status.padEnd(9)}${median.padStart(11)}   ${rate.padStart(8)}` +
        (r.reason ? `   ${r.reason}` : ''),
    );
  }
  return lines.join('\n');
}
