import type { TopLevelSpec } from 'vega-lite';
import type { DeviceRoof } from '../analytic.js';
import type { LayerPassStat } from '../layer-stats.js';
import { messagePanel } from './placeholder.js';
import { PASS_COLORS, topLevel, widthFor } from './theme.js';

export interface EfficiencyPanel {
  /** e.g. "(a) row 3 — paper: PyTorch (cuDNN); ours: cudnn". */
  readonly title: string;
  /** Conv layer stats of the row, or a reason the row has none. */
  readonly stats: readonly LayerPassStat[] | string;
}

const HEIGHT = 180;

function panel(p: EfficiencyPanel, roof: DeviceRoof | null, width: number) {
  if (typeof p.stats === 'string') return messagePanel(p.title, p.stats, width, HEIGHT);
  const data = p.stats
    .filter((s) => s.gflopPerSecond !== null)
    .map((s) => ({ layer: s.layer, pass: s.pass, gflopPerSecond: s.gflopPerSecond }));
  if (data.length === 0)
    return messagePanel(p.title, 'no per-layer timings in the results file', width, HEIGHT);
  const layers = [...new Set(data.map((d) => d.layer))];
  const bars = {
    mark: { type: 'bar' },
    encoding: {
      x: { field: 'layer', type: 'nominal', sort: layers, title: null, axis: { labelAngle: -50 } },
      xOffset: { field: 'pass', sort: Object.keys(PASS_COLORS) },
      y: { field: 'gflopPerSecond', type: 'quantitative', title: 'GFLOP/s (1 MAC = 2 FLOP)' },
      color: {
        field: 'pass',
        type: 'nominal',
        title: 'conv pass',
        scale: { domain: Object.keys(PASS_COLORS), range: Object.values(PASS_COLORS) },
      },
      tooltip: [{ field: 'layer' }, { field: 'pass' }, { field: 'gflopPerSecond', format: '.4~g' }],
    },
  };
  const layer: unknown[] = [bars];
  if (roof) {
    const peak = [
      {
        peak: roof.peakFlopPerSecond / 1e9,
        label: `peak ${(roof.peakFlopPerSecond / 1e12).toFixed(1)} TFLOP/s (${roof.name})`,
      },
    ];
    layer.push(
      {
        data: { values: peak },
        mark: { type: 'rule', color: '#d62728', strokeWidth: 2 },
        encoding: { y: { field: 'peak', type: 'quantitative' } },
      },
      {
        data: { values: peak },
        mark: {
          type: 'text',
          color: '#d62728',
          align: 'right',
          baseline: 'top',
          dx: -4,
          dy: 4,
          x: width,
          fontSize: 11,
        },
        encoding: { y: { field: 'peak', type: 'quantitative' }, text: { field: 'label' } },
      },
    );
  }
  return { title: p.title, width, height: HEIGHT, data: { values: data }, layer };
}

/** Fig. 6: per-layer efficiency of two implementations of the same network, with the device peak in red. */
export function fig6Spec(
  panels: readonly EfficiencyPanel[],
  roof: DeviceRoof | null,
  subtitle: string,
): TopLevelSpec {
  const widest = Math.max(
    1,
    ...panels.map((p) => (typeof p.stats === 'string' ? 0 : new Set(p.stats.map((s) => s.layer)).size)),
  );
  const width = widthFor(widest, 36, 560);
  return topLevel({
    title: {
      text: 'Fig. 6 — computational efficiency per conv layer',
      subtitle: roof ? subtitle : `${subtitle}; no device profile matched, so no peak is drawn`,
    },
    vconcat: panels.map((p) => panel(p, roof, width)),
    resolve: { scale: { y: 'shared' } },
  });
}
