import type { TopLevelSpec } from 'vega-lite';
import type { LayerPassStat } from '../layer-stats.js';
import { PASS_GROUP_COLORS, topLevel, widthFor } from './theme.js';

type Series = keyof typeof PASS_GROUP_COLORS;

export interface Fig3Datum {
  readonly layer: string;
  readonly series: Series;
  /** GFLOP, 1 MAC = 2 FLOP. */
  readonly gflop: number;
  readonly gflopPerSecond: number | null;
  readonly timeMs: number | null;
}

/** Forward, backward (data + filter) and total per conv layer, in forward order. */
export function fig3Data(stats: readonly LayerPassStat[]): { layers: string[]; data: Fig3Datum[] } {
  const layers: string[] = [];
  const byLayer = new Map<string, LayerPassStat[]>();
  for (const s of stats) {
    if (!byLayer.has(s.layer)) {
      byLayer.set(s.layer, []);
      layers.push(s.layer);
    }
    byLayer.get(s.layer)!.push(s);
  }
  const data: Fig3Datum[] = [];
  for (const layer of layers) {
    const passes = byLayer.get(layer)!;
    const groups: Record<Series, LayerPassStat[]> = {
      forward: passes.filter((p) => p.pass === 'forward'),
      backward: passes.filter((p) => p.pass !== 'forward'),
      total: passes,
    };
    for (const series of ['forward', 'backward', 'total'] as const) {
      const group = groups[series];
      if (group.length === 0) continue;
      const gflop = (2 * group.reduce((s, p) => s + p.macs, 0)) / 1e9;
      // Time and rate over the passes that were timed (a framework may skip the input layer's data gradient).
      const timed = group.filter((p) => p.medianMs !== null);
      const timeMs = timed.length ? timed.reduce((s, p) => s + p.medianMs!, 0) : null;
      const timedGflop = (2 * timed.reduce((s, p) => s + p.macs, 0)) / 1e9;
      data.push({
        layer,
        series,
        gflop,
        timeMs,
        gflopPerSecond: timeMs !== null && timeMs > 0 ? timedGflop / (timeMs / 1e3) : null,
      });
    }
  }
  return { layers, data };
}

function panel(layers: string[], field: keyof Fig3Datum, title: string, yTitle: string, showX: boolean) {
  return {
    title,
    width: widthFor(layers.length, 30),
    height: 150,
    transform: [{ filter: `isValid(datum.${field})` }],
    mark: { type: 'bar' },
    encoding: {
      x: {
        field: 'layer',
        type: 'nominal',
        sort: layers,
        title: showX ? 'conv layer (forward order: input → output)' : null,
        axis: { labelAngle: -50, labels: showX },
      },
      xOffset: { field: 'series', sort: ['forward', 'backward', 'total'] },
      y: { field, type: 'quantitative', title: yTitle },
      color: {
        field: 'series',
        type: 'nominal',
        title: 'pass',
        scale: { domain: Object.keys(PASS_GROUP_COLORS), range: Object.values(PASS_GROUP_COLORS) },
      },
      tooltip: [{ field: 'layer' }, { field: 'series' }, { field, format: '.3~g' }],
    },
  };
}

/** Fig. 3: per conv layer (a) work, (b) efficiency, (c) time; forward / backward / total. */
export function fig3Spec(stats: readonly LayerPassStat[], subtitle: string): TopLevelSpec {
  const { layers, data } = fig3Data(stats);
  return topLevel({
    title: { text: 'Fig. 3 — baseline model, per conv layer', subtitle },
    data: { values: data },
    vconcat: [
      panel(layers, 'gflop', '(a) operations O(l)', 'GFLOP (1 MAC = 2 FLOP)', false),
      panel(layers, 'gflopPerSecond', '(b) efficiency E(l)', 'GFLOP/s', false),
      panel(layers, 'timeMs', '(c) time t(l)', 'median ms', true),
    ],
  });
}
