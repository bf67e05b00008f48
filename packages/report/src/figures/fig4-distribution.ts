import type { TopLevelSpec } from 'vega-lite';
import { messagePanel } from './placeholder.js';
import { topLevel, widthFor } from './theme.js';

export interface LayerWork {
  readonly layer: string;
  readonly macs: number;
}

export interface ShareDatum {
  readonly layer: string;
  readonly index: number;
  /** Percent of the network's conv work. */
  readonly sharePercent: number;
}

/** Each layer's share of the total, in percent, in the given order. */
export function shares(layers: readonly LayerWork[]): ShareDatum[] {
  const total = layers.reduce((s, l) => s + l.macs, 0);
  return layers.map((l, index) => ({
    layer: l.layer,
    index,
    sharePercent: total > 0 ? (100 * l.macs) / total : 0,
  }));
}

function sharePanel(title: string, layers: readonly LayerWork[] | null, missing: string, width: number) {
  if (!layers || layers.length === 0) return messagePanel(title, missing, width);
  const data = shares(layers);
  const order = data.map((d) => d.layer);
  return {
    title,
    width,
    height: 160,
    data: { values: data },
    mark: { type: 'bar', color: '#4c78a8' },
    encoding: {
      x: {
        field: 'layer',
        type: 'nominal',
        sort: order,
        title: 'conv layer (forward order)',
        axis: { labelAngle: -60, labelFontSize: data.length > 30 ? 8 : 10 },
      },
      y: { field: 'sharePercent', type: 'quantitative', title: '% of conv FLOP' },
      tooltip: [{ field: 'layer' }, { field: 'sharePercent', format: '.2f' }],
    },
  };
}

/** Fig. 4: share of forward conv work per layer, (a) 2-D ResNet-50 vs (b) the 3-D U-Net baseline. */
export function fig4Spec(
  resnet: readonly LayerWork[] | null,
  baseline: readonly LayerWork[] | null,
  baselineLabel: string,
): TopLevelSpec {
  const width = widthFor(Math.max(resnet?.length ?? 0, baseline?.length ?? 0), 16, 520);
  return topLevel({
    title: { text: 'Fig. 4 — distribution of forward conv FLOP among layers', subtitle: 'analytic counts' },
    vconcat: [
      sharePanel('(a) 2-D ResNet-50 (224×224)', resnet, 'ResNet-50 layer list not available', width),
      sharePanel(`(b) 3-D U-Net baseline ${baselineLabel}`, baseline, 'baseline counts not available', width),
    ],
  });
}
