import type { TopLevelSpec } from 'vega-lite';
import type { DeviceRoof } from '../analytic.js';
import { flopRate } from '../format.js';
import type { LayerPassStat } from '../layer-stats.js';
import { messageFigure } from './placeholder.js';
import { PASS_COLORS, topLevel } from './theme.js';

export interface RooflineSeries {
  /** Row label, e.g. "row 1 baseline-cudnn". */
  readonly row: string;
  readonly stats: readonly LayerPassStat[];
}

export interface RooflinePoint {
  readonly row: string;
  readonly layer: string;
  readonly pass: string;
  readonly intensity: number;
  readonly gflopPerSecond: number;
}

/** Points that can be placed: a byte count and a time are both needed. */
export function rooflinePoints(series: readonly RooflineSeries[]): RooflinePoint[] {
  const out: RooflinePoint[] = [];
  for (const s of series) {
    for (const st of s.stats) {
      if (st.intensity === null || st.gflopPerSecond === null || st.gflopPerSecond <= 0) continue;
      out.push({
        row: s.row,
        layer: st.layer,
        pass: st.pass,
        intensity: st.intensity,
        gflopPerSecond: st.gflopPerSecond,
      });
    }
  }
  return out;
}

/** The roof min(peak, bandwidth × intensity), sampled on a log grid over [lo, hi] FLOP/byte. */
export function roofCurve(
  roof: DeviceRoof,
  lo: number,
  hi: number,
): { intensity: number; gflopPerSecond: number }[] {
  const ridge = roof.peakFlopPerSecond / roof.bandwidthBytesPerSecond;
  const xs = new Set<number>();
  const steps = 40;
  for (let i = 0; i <= steps; i++) xs.add(lo * (hi / lo) ** (i / steps));
  if (ridge > lo && ridge < hi) xs.add(ridge);
  return [...xs]
    .sort((a, b) => a - b)
    .map((x) => ({
      intensity: x,
      gflopPerSecond: Math.min(roof.peakFlopPerSecond, roof.bandwidthBytesPerSecond * x) / 1e9,
    }));
}

/** Roofline of every timed conv pass: arithmetic intensity vs achieved GFLOP/s, log-log, with the roof. */
export function rooflineSpec(
  series: readonly RooflineSeries[],
  roof: DeviceRoof | null,
  subtitle: string,
): TopLevelSpec {
  const points = rooflinePoints(series);
  const title = 'Roofline — every conv pass';
  if (points.length === 0) return messageFigure(title, 'no conv pass has both a byte count and a time');
  const xs = points.map((p) => p.intensity);
  const lo = Math.min(...xs) / 2;
  const hi = Math.max(...xs) * 2;
  const layers: unknown[] = [];
  if (roof) {
    layers.push({
      data: { values: roofCurve(roof, lo, hi) },
      mark: { type: 'line', color: '#d62728', strokeWidth: 2 },
      encoding: {
        x: { field: 'intensity', type: 'quantitative' },
        y: { field: 'gflopPerSecond', type: 'quantitative' },
      },
    });
  }
  layers.push({
    data: { values: points },
    mark: { type: 'point', filled: true, size: 55, opacity: 0.8 },
    encoding: {
      x: {
        field: 'intensity',
        type: 'quantitative',
        scale: { type: 'log', domain: [lo, hi], nice: false },
        title: 'arithmetic intensity (FLOP/byte, 1 MAC = 2 FLOP)',
      },
      y: {
        field: 'gflopPerSecond',
        type: 'quantitative',
        scale: { type: 'log' },
        title: 'GFLOP/s (1 MAC = 2 FLOP)',
      },
      color: { field: 'row', type: 'nominal', title: 'row', legend: { orient: 'right' } },
      shape: {
        field: 'pass',
        type: 'nominal',
        title: 'conv pass',
        scale: { domain: Object.keys(PASS_COLORS) },
        legend: { orient: 'right' },
      },
      tooltip: [
        { field: 'row' },
        { field: 'layer' },
        { field: 'pass' },
        { field: 'intensity', format: '.3~g' },
        { field: 'gflopPerSecond', format: '.4~g' },
      ],
    },
  });
  return topLevel({
    title: {
      text: title,
      subtitle: roof
        ? `${subtitle}; roof: ${roof.name}, ${flopRate(roof.peakFlopPerSecond)}, ${(roof.bandwidthBytesPerSecond / 1e9).toFixed(0)} GB/s`
        : `${subtitle}; no device profile matched, so no roof is drawn`,
    },
    width: 620,
    height: 380,
    layer: layers,
  });
}
