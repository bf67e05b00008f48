import type { TopLevelSpec } from 'vega-lite';
import type { LayerWork } from './fig4-distribution.js';
import { messagePanel } from './placeholder.js';
import { topLevel, widthFor } from './theme.js';

export interface NetworkWork {
  /** e.g. "row 1: baseline, not strided, 24,32,48,72,104". */
  readonly label: string;
  /** Per conv layer, MACs of one iteration (forward + backward), forward order; null when unknown. */
  readonly layers: readonly LayerWork[] | null;
}

/** Fig. 5: per-layer conv FLOP of one training iteration for each network, on a shared y scale. */
export function fig5Spec(networks: readonly NetworkWork[], subtitle: string): TopLevelSpec {
  const widest = Math.max(1, ...networks.map((n) => n.layers?.length ?? 0));
  const panels = networks.map((n) => {
    if (!n.layers || n.layers.length === 0) return messagePanel(n.label, 'no layer counts for this row');
    const totalGflop = (2 * n.layers.reduce((s, l) => s + l.macs, 0)) / 1e9;
    const data = n.layers.map((l) => ({ layer: l.layer, gflop: (2 * l.macs) / 1e9 }));
    return {
      title: {
        text: n.label,
        subtitle: `total ${totalGflop.toFixed(2)} GFLOP (1 MAC = 2 FLOP) = ${(totalGflop / 2).toFixed(2)} GFLOP in the paper's convention`,
      },
      width: widthFor(widest, 24, 520),
      height: 140,
      data: { values: data },
      mark: { type: 'bar', color: '#54a24b' },
      encoding: {
        x: {
          field: 'layer',
          type: 'nominal',
          sort: data.map((d) => d.layer),
          title: null,
          axis: { labelAngle: -50 },
        },
        y: { field: 'gflop', type: 'quantitative', title: 'GFLOP / iteration' },
        tooltip: [{ field: 'layer' }, { field: 'gflop', format: '.3~g' }],
      },
    };
  });
  return topLevel({
    title: { text: 'Fig. 5 — FLOP optimization: conv FLOP per layer (forward + backward)', subtitle },
    vconcat: panels,
    resolve: { scale: { y: 'shared' } },
  });
}
