import { IMPLEMENTATION_LABEL, PAPER_DEVICE } from '@unet3d/paper';
import { type BenchRun, describeIdentity, identityOfDevice, identitySlug } from '@unet3d/results';
import { BUSY_MARK, busyMachineBanner } from './busy-machine.js';
import { configSourceLines } from './config-sources.js';
import { cell, fmt, fmtBytes } from './format.js';
import { nonConvBandwidthLines } from './non-conv-bandwidth.js';
import { peerLines } from './peer-table.js';
import type { Table1Line } from './table1.js';

export interface MarkdownInput {
  readonly run: BenchRun;
  /** The results file the report was built from, as it should be shown. */
  readonly source: string;
  readonly table: readonly Table1Line[];
  /** Where counts came from, e.g. "@unet3d/flops 0.1.0". */
  readonly analyticDescription: string;
  readonly deviceRoof: string | null;
  /** Figures to embed: relative PNG path and caption. */
  readonly figures: readonly { png: string; svg: string; caption: string }[];
  /** Where the Accuracy column came from (accuracyNotes), printed under Table 1. */
  readonly accuracyNotes?: readonly string[];
}

function provenance(run: BenchRun, source: string, analytic: string, roof: string | null): string[] {
  const p = run.provenance;
  const d = p.device;
  const gpu =
    d.kind === 'cuda'
      ? [
          `driver ${d.driverVersion ?? '?'}`,
          `CUDA ${d.cudaVersion ?? '?'}`,
          `cuDNN ${d.cudnnVersion ?? '?'}`,
        ].join(', ')
      : null;
  const runtimes = Object.entries(p.runtimes)
    .map(([k, v]) => `${k} ${v ?? 'not loaded'}`)
    .join(', ');
  const packages = Object.entries(p.packages)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
  const t = p.timing;
  return [
    `- **Source:** \`${source}\``,
    `- **Device:** ${d.name} (${d.kind}${d.cores ? `, ${d.cores} cores` : ''}${gpu ? `; ${gpu}` : ''})`,
    `- **Identity:** ${identityLine(d)}`,
    `- **Host:** ${p.host.cpuModel}, ${p.host.cores} cores, ${fmtBytes(p.host.memoryBytes)}, ${p.host.os}/${p.host.arch}`,
    `- **Runtimes:** ${runtimes}`,
    `- **Packages:** ${packages || '—'}`,
    `- **Git commit:** ${p.gitCommit ?? 'unknown'}${p.gitDirty ? ' (working tree had uncommitted changes)' : ''}`,
    `- **Date:** ${p.date}`,
    `- **Workload:** patch ${p.patch.join('×')} (D×H×W), batch ${p.batch}, precision ${p.precision}`,
    `- **Timing:** ${t.iterations} timed iterations after ${t.warmupIterations} warm-up, clock ${t.clock}, ${t.isolation}; harness overhead median ${fmt(p.harnessOverhead.medianMs, 4)} ms (${p.harnessOverhead.method})`,
    `- **Analytic counts:** ${analytic}`,
    `- **Device roof:** ${roof ?? 'no device profile matched (no peak or roof in the figures)'}`,
    ...(d.measured
      ? [
          `- **Measured CPU profile:** fp32 peak ${fmt(d.measured.peakFp32FlopsPerSecond / 1e9, 0)} GFLOP/s, copy ${fmt(d.measured.copyBytesPerSecond / 1e9, 1)} GB/s, read ${fmt(d.measured.readBytesPerSecond / 1e9, 1)} GB/s, triad ${fmt(d.measured.triadBytesPerSecond / 1e9, 1)} GB/s — ${d.measured.method}, ${d.measured.threads} threads, ${d.measured.compiler.split('\n')[0]}`,
        ]
      : []),
    ...p.notes.map((n) => `- **Note:** ${n}`),
  ];
}

/** Why a row fell back: the candidates tried before its backend, each with why (backendDetails.resolutionFailures). */
function fallbackReasons(run: BenchRun, id: string): string {
  const failures = run.rows.find((r) => r.id === id)?.backendDetails['resolutionFailures'];
  if (!Array.isArray(failures) || failures.length === 0) return '';
  const list = failures
    .map((f: { name?: unknown; reason?: unknown }) => `${String(f.name)}: ${String(f.reason)}`)
    .join('; ');
  return ` (not used — ${list})`;
}

function warnings(table: readonly Table1Line[], run: BenchRun): string[] {
  const out: string[] = [];
  const substituted = table.filter((l) => l.ours.status === 'ok' && !l.ours.paperImplementation);
  if (substituted.length) {
    const list = substituted
      .map(
        (l) =>
          `row ${l.paperRow ?? l.id}: ${l.ours.backend} (${l.ours.backendDevice}) instead of ${IMPLEMENTATION_LABEL[l.implementation]} on a GPU${fallbackReasons(run, l.id)}`,
      )
      .join('; ');
    out.push(
      `> **Not the paper's implementation.** ${list}. These times measure our fallback, not what the paper measured; compare them with each other, not with the paper's columns.`,
    );
  }
  const notRun = table.filter((l) => l.ours.status !== 'ok');
  if (notRun.length) {
    out.push('', '**Rows without a measurement:**', '');
    for (const l of notRun) {
      out.push(
        `- row ${l.paperRow ?? '—'} (\`${l.id}\`): ${l.ours.status} — ${l.ours.reason ?? 'no reason given'}`,
      );
    }
  }
  return out;
}

function tableLines(table: readonly Table1Line[]): string[] {
  const head = [
    'Row',
    'Stride',
    'Channels',
    'Implementation (paper)',
    'Backend (ours)',
    'Accuracy (paper)',
    'Accuracy (ours)',
    'GFLOP (paper)',
    'GFLOP (ours)',
    'GFLOP/s (paper)',
    'GFLOP/s (ours)',
    'GFLOP/s (ours, 1 MAC = 2 FLOP)',
    'Time/iter (paper)',
    'Time/iter (ours: median [p25–p75], n)',
    'Speedup vs row 1 (paper)',
    'Speedup vs row 1 (ours)',
  ];
  const lines = [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`];
  for (const l of table) {
    const o = l.ours;
    const backend = o.status === 'ok' && o.backend ? `${o.backend} (${o.backendDevice})` : `— (${o.status})`;
    const time =
      (o.timeSeconds !== null
        ? `${fmt(o.timeSeconds, 3)} s [${fmt(o.timeP25Seconds, 3)}–${fmt(o.timeP75Seconds, 3)}], n=${o.samples}`
        : `${o.status}`) + (o.busyMachine ? ` ${BUSY_MARK}` : '');
    const accuracy =
      o.accuracyPercent !== null ? `${fmt(o.accuracyPercent)}% (${o.accuracySource})` : 'not measured';
    const cells = [
      l.paperRow !== null ? String(l.paperRow) : `extra: ${l.id}`,
      l.strided ? 'Yes' : 'No',
      l.channels.join(','),
      IMPLEMENTATION_LABEL[l.implementation],
      backend,
      l.paper ? `${fmt(l.paper.accuracyPercent)}%` : '—',
      accuracy,
      fmt(l.paper?.gflop),
      o.gflop !== null ? `${fmt(o.gflop)}${o.gflopFrom === 'results' ? ' (from results)' : ''}` : '—',
      fmt(l.paper?.gflopPerSecond),
      fmt(o.gflopPerSecondMacAsOneOp),
      fmt(o.gflopPerSecondMacAsTwoFlop),
      l.paper ? `${fmt(l.paper.timeSeconds)} s` : '—',
      time,
      fmt(l.paper?.speedupOverRow1, 2, '×'),
      fmt(o.speedupOverRow1, 2, '×'),
    ];
    lines.push(`| ${cells.map(cell).join(' | ')} |`);
  }
  return lines;
}

function memoryLines(run: BenchRun): string[] {
  const lines = [
    '| Row id | Status | Backend | Timed iterations | Warm-up | Peak host RSS | Peak device memory | Per-layer entries |',
    '|---|---|---|---|---|---|---|---|',
  ];
  for (const r of run.rows) {
    const cells = [
      r.id,
      r.status,
      `${r.backend} (${r.backendDevice})`,
      String(r.samplesMs.length),
      String(r.warmupIterations),
      fmtBytes(r.peakHostRssBytes),
      fmtBytes(r.peakDeviceBytes),
      String(r.perLayer.length),
    ];
    lines.push(`| ${cells.map(cell).join(' | ')} |`);
  }
  return lines;
}

/**
 * The report as Markdown: the busy-machine banner (when any measurement was noisy), provenance, warnings,
 * Table 1 beside the paper (noisy rows marked), then the figures.
 */
export function renderMarkdown(input: MarkdownInput): string {
  const { run } = input;
  const lines = [
    `# Table 1 reproduction — ${run.provenance.device.name}`,
    '',
    ...busyMachineBanner(run),
    ...provenance(run, input.source, input.analyticDescription, input.deviceRoof),
    '',
    ...warnings(input.table, run),
    '',
    '## Table 1: the paper beside this run',
    '',
    `Columns marked *paper* are the paper's printed numbers (${PAPER_DEVICE}); every other number comes from the results file or the analytic count. GFLOP and the first GFLOP/s column count one multiply-accumulate as one operation, as the paper does (conv forward + backward-data + backward-filter); the second GFLOP/s column counts 1 MAC = 2 FLOP. Speedups are over row 1 of the same source.`,
    '',
    ...tableLines(input.table),
    '',
    ...(input.accuracyNotes?.length ? [...input.accuracyNotes, ''] : []),
    ...configSourceLines(run).flatMap((l, i, all) => (i === all.length - 1 ? [l, ''] : [l])),
    '## Rows as run',
    '',
    ...memoryLines(run),
    '',
    ...nonConvBandwidthLines(run).flatMap((l, i, all) => (i === all.length - 1 ? [l, ''] : [l])),
    ...peerLines(run), // `bench --peer` only
    '## Figures',
    '',
    'Figures count 1 MAC = 2 FLOP.',
    '',
  ];
  for (const f of input.figures) {
    lines.push(`![${f.caption}](${f.png})`, '', `*${f.caption}* ([SVG](${f.svg}))`, '');
  }
  return `${lines.join('\n').trimEnd()}\n`;
}

/** The device's identity and results folder; a file from before identities says what was inferred. */
function identityLine(d: BenchRun['provenance']['device']): string {
  const id = identityOfDevice(d);
  const slug = identitySlug(id);
  return d.identity
    ? `${describeIdentity(id)} — \`${slug}\``
    : `${describeIdentity(id)} — inferred: this file predates recorded identities (no microarchitecture)`;
}
