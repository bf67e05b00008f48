import type { BenchRun } from '@unet3d/results';
import { cell, fmt } from './format.js';

/** One op kind of one row: its non-conv time per iteration against its fewest bytes. */
export interface OpKindBandwidth {
  readonly row: string;
  /** 'batchNorm', 'add+batchNorm+elu' (a fused chain), 'bias', 'loss', 'adam', ... */
  readonly opKind: string;
  readonly fused: boolean;
  /** Per-layer entries summed into this line. */
  readonly entries: number;
  /** Sum of the entries' median times, ms per iteration. */
  readonly ms: number;
  /** Fewest bytes per iteration (@unet3d/flops, recorded by the bench). */
  readonly bytes: number;
  /** bytes ÷ time, bytes/s. */
  readonly achievedBytesPerSecond: number;
  /** time ÷ (bytes ÷ measured copy bandwidth): 1 = at the copy loop's speed; null without a measured profile. */
  readonly timeOverFloor: number | null;
}

/**
 * Per row and op kind, the achieved bandwidth of the non-conv ops (entries with pass 'other' that carry bytes
 * and an op kind) and how far each is from its floor, bytes ÷ the measured copy bandwidth of the run's CPU
 * profile. Pure; rows and kinds with no timed bytes are left out. Sorted by row, then time.
 */
export function nonConvBandwidth(run: BenchRun): OpKindBandwidth[] {
  const copy = run.provenance.device.measured?.copyBytesPerSecond ?? null;
  const out: OpKindBandwidth[] = [];
  for (const row of run.rows) {
    if (row.status !== 'ok') continue;
    const byKind = new Map<string, { ms: number; bytes: number; entries: number; fused: boolean }>();
    for (const e of row.perLayer) {
      if (e.pass !== 'other' || e.bytes === undefined || !e.opKind || e.medianMs === null) continue;
      const k = byKind.get(e.opKind) ?? { ms: 0, bytes: 0, entries: 0, fused: false };
      k.ms += e.medianMs;
      k.bytes += e.bytes;
      k.entries += 1;
      k.fused ||= e.fused !== undefined;
      byKind.set(e.opKind, k);
    }
    const lines = [...byKind].map(([opKind, k]) => ({
      row: row.id,
      opKind,
      fused: k.fused,
      entries: k.entries,
      ms: k.ms,
      bytes: k.bytes,
      achievedBytesPerSecond: k.ms > 0 ? k.bytes / (k.ms / 1e3) : 0,
      timeOverFloor: copy && k.bytes > 0 ? k.ms / 1e3 / (k.bytes / copy) : null,
    }));
    out.push(...lines.sort((a, b) => b.ms - a.ms));
  }
  return out;
}

/** The Markdown table of nonConvBandwidth (empty when the run recorded no non-conv bytes). */
export function nonConvBandwidthLines(run: BenchRun): string[] {
  const rows = nonConvBandwidth(run);
  if (rows.length === 0) return [];
  const m = run.provenance.device.measured;
  const floor = m
    ? `measured copy bandwidth ${fmt(m.copyBytesPerSecond / 1e9, 1)} GB/s (${m.method})`
    : 'no measured copy bandwidth in this results file, so no ratio';
  const lines = [
    '## Non-conv ops against memory bandwidth',
    '',
    `Per row and op kind: median time per iteration (forward and backward together), the fewest bytes the ops must move (@unet3d/flops, each op counted on its own, so a fused chain is charged what its unfused ops would move), achieved GB/s = bytes ÷ time, and time ÷ (bytes ÷ ${floor}); 1.0 means copy-loop speed.`,
    '',
    '| Row id | Op kind | Entries | ms / iteration | MB / iteration | Achieved GB/s | Time ÷ floor |',
    '|---|---|---|---|---|---|---|',
  ];
  for (const r of rows) {
    const cells = [
      r.row,
      `${r.opKind}${r.fused ? ' (fused)' : ''}`,
      String(r.entries),
      fmt(r.ms, 1),
      fmt(r.bytes / 1e6, 1),
      fmt(r.achievedBytesPerSecond / 1e9, 1),
      fmt(r.timeOverFloor, 2),
    ];
    lines.push(`| ${cells.map(cell).join(' | ')} |`);
  }
  return lines;
}
