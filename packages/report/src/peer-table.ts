import type { BenchRun } from '@unet3d/results';
import { cell, fmt } from './format.js';

/**
 * "Ours ÷ PyTorch" per row: the median time per training iteration of our row over that of the framework
 * peer timed in the same run with the same network, patch, batch, math mode and threads (`bench --peer`;
 * results row field `peer`). Below 1 means we are faster. Empty (no section) when no row has a peer.
 */
export function peerLines(run: BenchRun): string[] {
  const rows = run.rows.filter((r) => r.peer !== undefined && r.medianMs !== null);
  if (rows.length === 0) return [];
  const lines = [
    '## Ours ÷ PyTorch',
    '',
    'Median time per training iteration of each row over that of the PyTorch peer (`scripts/pytorch-peer/`), timed right after it in the same run with the same network, patch, batch, math mode and threads; below 1 is faster than PyTorch.',
    '',
    '| Row id | Backend | Ours (ms) | PyTorch (ms) | PyTorch | Ours ÷ PyTorch |',
    '|---|---|---|---|---|---|',
  ];
  for (const r of rows) {
    const p = r.peer!;
    const ours = r.medianMs!;
    const where = p.device === 'cpu' ? `${p.threads} threads` : p.deviceName;
    const cells = [
      r.id,
      `${r.backend} (${r.backendDevice})`,
      fmt(ours, 1),
      fmt(p.medianMs, 1),
      `torch ${p.version}, ${p.mathMode}, ${where}`,
      p.medianMs > 0 ? fmt(ours / p.medianMs, 2) : '—',
    ];
    lines.push(`| ${cells.map(cell).join(' | ')} |`);
  }
  lines.push('');
  return lines;
}
