import { CONV_PASSES, type ConvPass } from '@unet3d/core';
import type { BenchRow, BenchRun } from '@unet3d/results';
import type { AnalyticSource, ConvPassCount, NetworkQuery } from './analytic.js';

/** One conv layer in one pass: analytic work beside measured time. Rates use 1 MAC = 2 FLOP. */
export interface LayerPassStat {
  readonly layer: string;
  /** Position of the layer in forward execution order (0 = input layer). */
  readonly order: number;
  readonly pass: ConvPass;
  readonly macs: number;
  readonly bytes: number | null;
  readonly medianMs: number | null;
  /** GFLOP/s with 1 MAC = 2 FLOP, or null without a time. */
  readonly gflopPerSecond: number | null;
  /** FLOP per byte (1 MAC = 2 FLOP), or null without a byte count. */
  readonly intensity: number | null;
}

export interface RowConvStats {
  readonly stats: readonly LayerPassStat[];
  /** Where the MAC and byte counts came from. */
  readonly countsFrom: 'analytic' | 'results';
  /** Analytic layers that have no timing in the results file (name mismatch or not timed). */
  readonly untimed: number;
}

export function networkQuery(run: BenchRun, row: BenchRow): NetworkQuery {
  return {
    model: row.model,
    channels: row.channels,
    strided: row.strided,
    patch: run.provenance.patch,
    batch: run.provenance.batch,
    precision: run.provenance.precision,
  };
}

function countsFromRow(row: BenchRow): ConvPassCount[] {
  const out: ConvPassCount[] = [];
  for (const e of row.perLayer) {
    if (e.pass === 'other') continue;
    out.push({ layer: e.layer, pass: e.pass, macs: e.macs, bytes: e.bytes ?? null });
  }
  return out;
}

/** Layer names in order of first appearance, forward entries first (execution order of the forward pass). */
function layerOrder(counts: readonly ConvPassCount[]): Map<string, number> {
  const order = new Map<string, number>();
  for (const pass of CONV_PASSES) {
    for (const c of counts) if (c.pass === pass && !order.has(c.layer)) order.set(c.layer, order.size);
  }
  return order;
}

/** Per conv layer and pass: analytic counts (or the row's own) joined with the row's median times. */
export function rowConvStats(run: BenchRun, row: BenchRow, analytic: AnalyticSource): RowConvStats {
  const analyticCounts = analytic.convCounts(networkQuery(run, row));
  const counts = analyticCounts ?? countsFromRow(row);
  const times = new Map<string, number | null>();
  const rowBytes = new Map<string, number>();
  for (const e of row.perLayer) {
    if (e.pass === 'other') continue;
    times.set(`${e.layer}\u0000${e.pass}`, e.medianMs);
    if (e.bytes !== undefined) rowBytes.set(`${e.layer}\u0000${e.pass}`, e.bytes);
  }
  const order = layerOrder(counts);
  let untimed = 0;
  const stats = counts.map((c): LayerPassStat => {
    const key = `${c.layer}\u0000${c.pass}`;
    const medianMs = times.get(key) ?? null;
    if (medianMs === null) untimed++;
    const bytes = c.bytes ?? rowBytes.get(key) ?? null;
    const flop = 2 * c.macs;
    return {
      layer: c.layer,
      order: order.get(c.layer) ?? 0,
      pass: c.pass,
      macs: c.macs,
      bytes,
      medianMs,
      gflopPerSecond: medianMs !== null && medianMs > 0 ? flop / 1e9 / (medianMs / 1e3) : null,
      intensity: bytes !== null && bytes > 0 ? flop / bytes : null,
    };
  });
  stats.sort((a, b) => a.order - b.order || CONV_PASSES.indexOf(a.pass) - CONV_PASSES.indexOf(b.pass));
  return { stats, countsFrom: analyticCounts ? 'analytic' : 'results', untimed };
}

/** Total conv MACs of one iteration from per-pass counts. */
export function totalMacs(stats: readonly { macs: number }[]): number {
  return stats.reduce((s, x) => s + x.macs, 0);
}
