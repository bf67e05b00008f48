import { IMPLEMENTATION_LABEL, PAPER_TABLE1 } from '@unet3d/paper';
import type { BenchRow, BenchRun } from '@unet3d/results';
import type { TopLevelSpec } from 'vega-lite';
import type { AnalyticSource } from '../analytic.js';
import { type LayerPassStat, rowConvStats } from '../layer-stats.js';
import { findPaperRow } from '../table1.js';
import { fig3Spec } from './fig3-baseline.js';
import { fig4Spec, type LayerWork } from './fig4-distribution.js';
import { fig5Spec } from './fig5-flop.js';
import { fig6Spec } from './fig6-efficiency.js';
import { messageFigure } from './placeholder.js';
import { rooflineSpec } from './roofline.js';

export interface FigureSpec {
  /** File stem, e.g. 'fig3-baseline'. */
  readonly name: string;
  readonly caption: string;
  readonly spec: TopLevelSpec;
}

function rowLabel(paperRow: number, row: BenchRow | undefined): string {
  const p = PAPER_TABLE1[paperRow - 1]!;
  const channels = (row?.channels ?? p.channels).join(',');
  const stride = (row?.strided ?? p.strided) ? 'strided input conv' : 'no stride';
  return `row ${paperRow}: '${row?.model ?? p.model}' (${stride}, channels ${channels})`;
}

function whyNoTimes(row: BenchRow | undefined): string | null {
  if (!row) return 'this row is not in the results file';
  if (row.status !== 'ok') return `row ${row.status}: ${row.reason ?? 'no reason given'}`;
  return null;
}

/** Per layer, the sum of a subset of passes. */
function perLayer(stats: readonly LayerPassStat[], passes: readonly string[]): LayerWork[] {
  const out = new Map<string, number>();
  for (const s of stats) if (passes.includes(s.pass)) out.set(s.layer, (out.get(s.layer) ?? 0) + s.macs);
  return [...out].map(([layer, macs]) => ({ layer, macs }));
}

/** Counts for a paper row: from its results row, or from the analytic source for the paper's configuration. */
function countsFor(run: BenchRun, paperRow: number, analytic: AnalyticSource): LayerPassStat[] | null {
  const row = findPaperRow(run, PAPER_TABLE1[paperRow - 1]!);
  if (row) {
    const { stats } = rowConvStats(run, row, analytic);
    return stats.length ? [...stats] : null;
  }
  const p = PAPER_TABLE1[paperRow - 1]!;
  const counts = analytic.convCounts({
    model: p.model,
    channels: p.channels,
    strided: p.strided,
    patch: run.provenance.patch,
    batch: run.provenance.batch,
    precision: run.provenance.precision,
  });
  return counts
    ? counts.map((c, i) => ({ ...c, order: i, medianMs: null, gflopPerSecond: null, intensity: null }))
    : null;
}

/** Every figure of the report, as Vega-Lite specs built only from the run and the analytic source. */
export function buildFigureSpecs(run: BenchRun, analytic: AnalyticSource): FigureSpec[] {
  const { device, precision, patch, batch } = run.provenance;
  const roof = analytic.deviceRoof(device, precision);
  const setting = `${device.name}, patch ${patch.join('×')}, batch ${batch}, ${precision}`;
  const rows = PAPER_TABLE1.map((p) => findPaperRow(run, p));
  const figures: FigureSpec[] = [];

  const row1 = rows[0];
  const why1 = whyNoTimes(row1);
  figures.push({
    name: 'fig3-baseline',
    caption: 'Fig. 3 — baseline per conv layer: (a) FLOP, (b) GFLOP/s, (c) time; forward, backward, total.',
    spec:
      why1 !== null
        ? messageFigure('Fig. 3 — baseline model, per conv layer', why1)
        : fig3Spec(
            rowConvStats(run, row1!, analytic).stats,
            `${row1!.id} on ${row1!.backend} (${row1!.backendDevice}); ${setting}`,
          ),
  });

  const baselineCounts = countsFor(run, 1, analytic);
  figures.push({
    name: 'fig4-distribution',
    caption: 'Fig. 4 — share of forward conv FLOP per layer: 2-D ResNet-50 vs the 3-D U-Net baseline.',
    spec: fig4Spec(
      analytic.resnet50Forward(),
      baselineCounts ? perLayer(baselineCounts, ['forward']) : null,
      `(patch ${patch.join('×')}, batch ${batch})`,
    ),
  });

  figures.push({
    name: 'fig5-flop',
    caption: 'Fig. 5 — conv FLOP per layer for the baseline, strided and channel-scaled networks.',
    spec: fig5Spec(
      [1, 2, 3].map((n) => {
        const counts = countsFor(run, n, analytic);
        return {
          label: rowLabel(n, rows[n - 1]),
          layers: counts ? perLayer(counts, ['forward', 'backwardData', 'backwardFilter']) : null,
        };
      }),
      `patch ${patch.join('×')}, batch ${batch}`,
    ),
  });

  figures.push({
    name: 'fig6-efficiency',
    caption:
      'Fig. 6 — per-layer GFLOP/s of row 3 (cuDNN in the paper) beside row 4 (TVM), per conv pass, with the device peak.',
    spec: fig6Spec(
      [3, 4].map((n) => {
        const row = rows[n - 1];
        const why = whyNoTimes(row);
        const ours = !row
          ? 'not in results'
          : row.status === 'ok'
            ? `${row.backend} (${row.backendDevice})`
            : row.status;
        return {
          label: `row ${n} — paper: ${IMPLEMENTATION_LABEL[PAPER_TABLE1[n - 1]!.implementation]}; ours: ${ours}`,
          stats: why ?? rowConvStats(run, row!, analytic).stats,
        };
      }),
      roof,
      setting,
    ),
  });

  const series = run.rows
    .filter((r) => r.status === 'ok')
    .map((r) => ({
      row: `${r.paperRow ? `row ${r.paperRow} ` : ''}${r.id} (${r.backend})`,
      stats: rowConvStats(run, r, analytic).stats,
    }));
  figures.push({
    name: 'roofline',
    caption:
      'Roofline — arithmetic intensity vs achieved GFLOP/s of every timed conv pass, with the device roof.',
    spec: rooflineSpec(series, roof, setting),
  });
  return figures;
}
