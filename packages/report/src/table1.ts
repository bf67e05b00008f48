import { PAPER_TABLE1, type PaperTable1Row, paperBackend } from '@unet3d/paper';
import type { BenchRow, BenchRun } from '@unet3d/results';
import type { AnalyticSource } from './analytic.js';
import { networkQuery, totalMacs } from './layer-stats.js';

/** The paper's values for a row, with the paper's own speedup over its row 1. */
export interface PaperValues {
  readonly accuracyPercent: number;
  readonly gflop: number;
  readonly gflopPerSecond: number;
  readonly timeSeconds: number;
  readonly speedupOverRow1: number;
}

/** Our values for a row; null where the row did not run or the value is not known. */
export interface OurValues {
  readonly status: BenchRow['status'] | 'missing';
  readonly reason: string | null;
  readonly backend: string | null;
  readonly backendDevice: 'cpu' | 'cuda' | null;
  /** True when the backend is the paper's implementation for this row (cuDNN / TVM on a GPU). */
  readonly paperImplementation: boolean;
  /** GFLOP with MAC = 1 op (the paper's convention). */
  readonly gflop: number | null;
  readonly gflopFrom: 'analytic' | 'results' | null;
  readonly gflopPerSecondMacAsOneOp: number | null;
  readonly gflopPerSecondMacAsTwoFlop: number | null;
  readonly timeSeconds: number | null;
  readonly timeP25Seconds: number | null;
  readonly timeP75Seconds: number | null;
  readonly samples: number;
  readonly speedupOverRow1: number | null;
  readonly accuracyPercent: number | null;
  readonly accuracySource: string | null;
  /** True when the row was measured on a busy machine (its quietness is noisy); its times may be slow. */
  readonly busyMachine: boolean;
}

export interface Table1Line {
  readonly id: string;
  readonly paperRow: number | null;
  readonly strided: boolean;
  readonly channels: readonly number[];
  readonly implementation: PaperTable1Row['implementation'];
  readonly paper: PaperValues | null;
  readonly ours: OurValues;
}

function paperValues(p: PaperTable1Row): PaperValues {
  const row1 = PAPER_TABLE1[0]!;
  return {
    accuracyPercent: p.accuracyPercent,
    gflop: p.gflop,
    gflopPerSecond: p.gflopPerSecond,
    timeSeconds: p.timeSeconds,
    speedupOverRow1: row1.timeSeconds / p.timeSeconds,
  };
}

function gflopOf(run: BenchRun, row: BenchRow, analytic: AnalyticSource) {
  const counts = analytic.convCounts(networkQuery(run, row));
  if (counts) return { gflop: totalMacs(counts) / 1e9, from: 'analytic' as const };
  if (row.iterationMacs > 0) return { gflop: row.iterationMacs / 1e9, from: 'results' as const };
  return { gflop: null, from: null };
}

function ourValues(run: BenchRun, row: BenchRow, analytic: AnalyticSource, row1Ms: number | null): OurValues {
  const { gflop, from } = gflopOf(run, row, analytic);
  const ok = row.status === 'ok' && row.medianMs !== null && row.medianMs > 0;
  const seconds = ok ? row.medianMs! / 1e3 : null;
  const rate = ok && gflop !== null ? gflop / seconds! : null;
  return {
    status: row.status,
    reason: row.reason ?? null,
    backend: row.backend,
    backendDevice: row.backendDevice,
    paperImplementation:
      row.backendDevice === 'cuda' && paperBackend(row.paperImplementation) === row.backend,
    gflop,
    gflopFrom: from,
    gflopPerSecondMacAsOneOp: rate,
    gflopPerSecondMacAsTwoFlop: rate === null ? null : 2 * rate,
    timeSeconds: seconds,
    timeP25Seconds: ok && row.spread ? row.spread.p25 / 1e3 : null,
    timeP75Seconds: ok && row.spread ? row.spread.p75 / 1e3 : null,
    samples: row.samplesMs.length,
    speedupOverRow1: ok && row1Ms !== null ? row1Ms / row.medianMs! : null,
    accuracyPercent: row.accuracy ? row.accuracy.value * 100 : null,
    accuracySource: row.accuracy?.source ?? null,
    busyMachine: row.quietness?.noisy === true,
  };
}

const MISSING: OurValues = {
  status: 'missing',
  reason: 'not in this results file',
  backend: null,
  backendDevice: null,
  paperImplementation: false,
  gflop: null,
  gflopFrom: null,
  gflopPerSecondMacAsOneOp: null,
  gflopPerSecondMacAsTwoFlop: null,
  timeSeconds: null,
  timeP25Seconds: null,
  timeP75Seconds: null,
  samples: 0,
  speedupOverRow1: null,
  accuracyPercent: null,
  accuracySource: null,
  busyMachine: false,
};

/** The row of a run that reproduces a paper row: by paperRow, else by configuration. */
export function findPaperRow(run: BenchRun, p: PaperTable1Row): BenchRow | undefined {
  return (
    run.rows.find((r) => r.paperRow === p.paperRow) ??
    run.rows.find(
      (r) =>
        r.paperRow === null &&
        r.strided === p.strided &&
        r.paperImplementation === p.implementation &&
        r.channels.join(',') === p.channels.join(','),
    )
  );
}

/**
 * Table 1 beside the paper: one line per paper row (ours from the matching results row, or 'missing'),
 * then any extra rows of the run. Speedups are over our own row 1 and the paper's row 1 respectively.
 */
export function buildTable1(run: BenchRun, analytic: AnalyticSource): Table1Line[] {
  const matched = new Map(PAPER_TABLE1.map((p) => [p.paperRow, findPaperRow(run, p)]));
  const row1 = matched.get(1);
  const row1Ms = row1?.status === 'ok' && row1.medianMs ? row1.medianMs : null;
  const lines: Table1Line[] = PAPER_TABLE1.map((p) => {
    const row = matched.get(p.paperRow);
    return {
      id: row?.id ?? `paper-row-${p.paperRow}`,
      paperRow: p.paperRow,
      strided: row?.strided ?? p.strided,
      channels: row?.channels ?? p.channels,
      implementation: row?.paperImplementation ?? p.implementation,
      paper: paperValues(p),
      ours: row ? ourValues(run, row, analytic, row1Ms) : MISSING,
    };
  });
  const used = new Set([...matched.values()].filter((r) => r !== undefined));
  for (const row of run.rows) {
    if (used.has(row)) continue;
    lines.push({
      id: row.id,
      paperRow: null,
      strided: row.strided,
      channels: row.channels,
      implementation: row.paperImplementation,
      paper: null,
      ours: ourValues(run, row, analytic, row1Ms),
    });
  }
  return lines;
}
