import type { TopLevelSpec } from 'vega-lite';
import type { DeviceRoof } from '../analytic.js';
import { flopRate } from '../format.js';
import type { LayerPassStat } from '../layer-stats.js';
import { messageFigure } from './placeholder.js';
import { topLevel, widthFor } from './theme.js';

/** One implementation of the same network (paper Fig. 6: PyTorch/cuDNN vs AutoTVM-tuned). */
export interface EfficiencyImplementation {
  /** Legend entry, e.g. "row 3 — paper: PyTorch (cuDNN); ours: cudnn (NVIDIA H100)". */
  readonly label: string;
  /** Conv layer stats of the row, or a reason the row has none. */
  readonly stats: readonly LayerPassStat[] | string;
}

/** One bar: an implementation's GFLOP/s (1 MAC = 2 FLOP) for one layer and conv pass. */
export interface EfficiencyBar {
  readonly layer: string;
  readonly pass: 'forward' | 'backward-data' | 'backward-filter';
  readonly implementation: string;
  readonly gflopPerSecond: number;
}

const PASS_NAME = {
  forward: 'forward',
  backwardData: 'backward-data',
  backwardFilter: 'backward-filter',
} as const;

/** The two implementations' colours: baseline library grey-blue, tuned kernels orange. */
const IMPLEMENTATION_COLORS = ['#4c78a8', '#f58518'] as const;

const HEIGHT = 150;

/**
 * The bars of Fig. 6: every timed (layer, pass) of every implementation; layers in forward execution order. Untimed passes are left out (no bar), never drawn as zero.
 */
export function fig6Data(implementations: readonly EfficiencyImplementation[]): {
  layers: string[];
  bars: EfficiencyBar[];
} {
  const order = new Map<string, number>();
  const bars: EfficiencyBar[] = [];
  for (const impl of implementations) {
    if (typeof impl.stats === 'string') continue;
    for (const s of impl.stats) {
      if (!order.has(s.layer)) order.set(s.layer, s.order);
      if (s.gflopPerSecond === null) continue;
      bars.push({
        layer: s.layer,
        pass: PASS_NAME[s.pass],
        implementation: impl.label,
        gflopPerSecond: s.gflopPerSecond,
      });
    }
  }
  const layers = [...order]
    .sort((a, b) => a[1] - b[1])
    .map(([l]) => l)
    .filter((l) => bars.some((b) => b.layer === l));
  return { layers, bars };
}

/**
 * Fig. 6: per-layer computational efficiency of two implementations of the same network side by side — one
 * panel per conv pass, a pair of bars per layer (first implementation, second implementation), the device
 * peak as a red rule. An implementation without timings is named in the subtitle with its reason.
 */
export function fig6Spec(
  implementations: readonly EfficiencyImplementation[],
  roof: DeviceRoof | null,
  subtitle: string,
): TopLevelSpec {
  const title = 'Fig. 6 — computational efficiency per conv layer, two implementations side by side';
  const { layers, bars } = fig6Data(implementations);
  const missing = implementations
    .filter((i): i is EfficiencyImplementation & { stats: string } => typeof i.stats === 'string')
    .map((i) => `${i.label}: ${i.stats}`);
  if (bars.length === 0) {
    return messageFigure(
      title,
      missing.length ? missing.join('; ') : 'no per-layer timings in the results file',
    );
  }
  const labels = implementations.map((i) => i.label);
  const passes = Object.values(PASS_NAME).filter((p) => bars.some((b) => b.pass === p));
  const width = widthFor(layers.length, 34, 520);
  const peak = roof
    ? [
        {
          peak: roof.peakFlopPerSecond / 1e9,
          label: `peak ${flopRate(roof.peakFlopPerSecond)}`,
        },
      ]
    : null;
  const panel = (pass: string) => {
    const layer: unknown[] = [
      {
        data: { values: bars.filter((b) => b.pass === pass) },
        mark: { type: 'bar' },
        encoding: {
          x: { field: 'layer', type: 'nominal', sort: layers, title: null, axis: { labelAngle: -50 } },
          xOffset: { field: 'implementation', sort: labels },
          y: { field: 'gflopPerSecond', type: 'quantitative', title: 'GFLOP/s' },
          color: {
            field: 'implementation',
            type: 'nominal',
            title: null,
            scale: { domain: labels, range: IMPLEMENTATION_COLORS.slice(0, labels.length) },
            legend: { orient: 'top', direction: 'vertical' },
          },
          tooltip: [
            { field: 'implementation' },
            { field: 'layer' },
            { field: 'gflopPerSecond', format: '.4~g' },
          ],
        },
      },
    ];
    if (peak) {
      layer.push(
        {
          data: { values: peak },
          mark: { type: 'rule', color: '#d62728', strokeWidth: 1.5 },
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
            dy: 3,
            x: 'width',
          },
          encoding: { y: { field: 'peak', type: 'quantitative' }, text: { field: 'label' } },
        },
      );
    }
    return { title: { text: `${pass} pass`, fontSize: 12 }, width, height: HEIGHT, layer };
  };
  const notes = [
    subtitle,
    'GFLOP/s with 1 MAC = 2 FLOP',
    roof ? `red: peak of ${roof.name}` : 'no device profile matched, so no peak is drawn',
    ...missing.map((m) => `not shown: ${m}`),
  ];
  return topLevel({
    title: { text: title, subtitle: notes },
    vconcat: passes.map(panel),
    resolve: { scale: { y: 'shared', color: 'shared' } },
  });
}
