import { describeIdentity } from '@unet3d/results';
import type { Comparison, GateResult } from './compare.js';

/** What the summary says about one results file. */
export interface GateSource {
  readonly path: string;
  /** The device's name as recorded (e.g. 'AMD EPYC'). */
  readonly device: string;
  /** Its identity in words (`describeIdentity`), when known: the name alone does not tell two CPUs apart. */
  readonly identity?: string;
  readonly commit: string | null;
  readonly date: string;
  /** Patch [D, H, W] and math mode, for the re-run hint (the bench's --input and --math). */
  readonly patch: readonly [number, number, number];
  readonly batch: number;
  readonly precision: string;
}

/** GitHub's limit on the body of a pull-request comment, characters. */
export const PR_COMMENT_LIMIT = 65_536;

/** Most regressions listed in the summary; the rest are in the details file. */
const MAX_LISTED = 40;

function fmt(value: number | null | undefined, decimals: number): string {
  if (value === null || value === undefined) return '—';
  if (value === Number.POSITIVE_INFINITY) return '∞';
  return Number.isFinite(value) ? value.toFixed(decimals) : '—';
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ');
}

function where(c: Comparison): string {
  return c.scope === 'row' ? `row \`${c.rowId}\`` : `\`${c.rowId}\` / \`${c.layer}\` ${c.pass}`;
}

function pct(ratio: number | null): string {
  if (ratio === null) return '—';
  if (!Number.isFinite(ratio)) return '+∞%';
  return `${ratio >= 1 ? '+' : ''}${fmt((ratio - 1) * 100, 1)}%`;
}

function line(c: Comparison): string {
  const cells = [
    where(c),
    `${fmt(c.baselineMedianMs, 3)} (n=${c.nBaseline})`,
    `${fmt(c.currentMedianMs, 3)} (n=${c.nCurrent})`,
    pct(c.ratio),
    c.lower !== null ? `${fmt(c.lower, 3)}–${fmt(c.upper, 3)}` : '—',
    c.pSlowerAdjusted !== null ? c.pSlowerAdjusted.toPrecision(2) : '—',
    `${c.verdict}${c.note ? ` (${c.note})` : ''}`,
  ];
  return `| ${cells.map(cell).join(' | ')} |`;
}

const HEAD = [
  '| Where | Baseline median ms | Current median ms | Change | Ratio interval | p (slower, adjusted) | Verdict |',
  '|---|---|---|---|---|---|---|',
];

/** The bench command line that reproduces a source's workload, for npm users and checkouts alike. */
export function benchCommand(source: GateSource, iterations?: number): string {
  const parts = [
    'npx unet3d bench',
    `--input ${source.patch.join(',')}`,
    ...(source.batch !== 1 ? [`--batch ${source.batch}`] : []),
    `--math ${source.precision}`,
    ...(iterations !== undefined ? [`--iterations ${iterations}`] : []),
  ];
  return parts.join(' ');
}

/** What the headline must not hide: compared across devices, noisy files included, rows left out. */
function overlooked(result: GateResult): string {
  const parts: string[] = [];
  if (result.options.crossDevice && result.devices.differences.length) parts.push('across devices');
  if (result.noisy.baseline.length || result.noisy.current.length) parts.push('noisy measurements included');
  const n = result.notComparable.length;
  if (n && result.comparedRows) parts.push(`${n} row${n === 1 ? '' : 's'} not comparable`);
  return parts.length && result.incomparable.length === 0 ? ` (${parts.join(', ')})` : '';
}

/** Each row left out as not comparable, with why: "row scaled-tvm: backend … in the baseline, … now". */
function leftOut(result: GateResult): string {
  return result.notComparable.map((c) => `row ${c.rowId}: ${c.note}`).join('; ');
}

/** The verdict in one line (the first line of the summary; what `gate | head -1` shows). */
export function gateHeadline(result: GateResult): string {
  const threshold = `${fmt(result.options.maxSlowdown * 100, 1)}%`;
  const also = overlooked(result);
  switch (result.outcome) {
    case 'not-comparable':
      return result.incomparable.length
        ? `## ⚠️ Benchmark gate: not comparable — ${result.incomparable.join('; ')}`
        : `## ⚠️ Benchmark gate: not comparable — no row could be compared (${leftOut(result) || 'no row ran in both runs'})`;
    case 'noisy': {
      const side = result.noisy.baseline.length ? 'baseline' : 'current';
      return `## ⚠️ Benchmark gate: noisy — ${side} ${result.noisy[side][0]}`;
    }
    case 'inconclusive':
      return `## ⚠️ Benchmark gate: inconclusive: too few samples — need ≥ ${result.samplesNeededPerRow} per row${also}`;
    case 'regression': {
      const n = result.failures.length;
      return `## ❌ Benchmark gate: ${n} regression${n === 1 ? '' : 's'} beyond ${threshold}${also}`;
    }
    case 'pass':
      return `## ✅ Benchmark gate: no significant slowdown beyond ${threshold}${also}`;
  }
}

/**
 * What the reader must know before trusting the verdict, one line each (empty when nothing): the runs were
 * compared across two device identities (both named, and what differs), or noisy files were compared
 * (which rows were noisy).
 */
export function gateCaveats(result: GateResult): string[] {
  if (result.incomparable.length || result.outcome === 'noisy') return [];
  const out: string[] = [];
  const { devices, noisy } = result;
  if (devices.differences.length) {
    out.push(
      `⚠️ Compared across devices (--cross-device): baseline ${describeIdentity(devices.baseline)}, current ${describeIdentity(devices.current)} — ${devices.differences.join('; ')}. A change may come from the device, not the code.`,
    );
  }
  if (noisy.baseline.length || noisy.current.length) {
    const side = (reasons: readonly string[]) => (reasons.length ? reasons.join('; ') : 'none marked noisy');
    out.push(
      `⚠️ Noisy measurements compared (--allow-noisy): baseline — ${side(noisy.baseline)}; current — ${side(noisy.current)}. Their times may include other work.`,
    );
  }
  return out;
}

/** What to do about an inconclusive, not-comparable or noisy outcome (one line), or null. */
export function gateHint(result: GateResult, baseline: GateSource): string | null {
  if (result.outcome === 'inconclusive' && result.samplesNeededPerRow !== null) {
    return `Re-run both baseline and current with at least ${result.samplesNeededPerRow} timed iterations per row: \`${benchCommand(baseline, result.samplesNeededPerRow)}\` (from a checkout: \`pnpm unet3d bench …\` with the same flags).`;
  }
  if (result.outcome === 'not-comparable') {
    return `Compare runs of the same workload on the same device and backends: re-run the current side as \`${benchCommand(baseline)}\` on ${baseline.identity ?? baseline.device} (from a checkout: \`pnpm unet3d bench …\`).`;
  }
  if (result.outcome === 'noisy') {
    return 'Re-run the noisy side on a quiet machine (nothing else running), or pass `--allow-noisy` to compare anyway.';
  }
  return null;
}

/** Every comparison as one Markdown table (rows first, then per-layer entries, largest slowdown first). */
export function renderGateDetails(result: GateResult): string {
  const rows = result.comparisons.filter((c) => c.scope === 'row');
  const layers = [...result.comparisons.filter((c) => c.scope === 'layer')].sort(
    (a, b) => (b.ratio ?? 0) - (a.ratio ?? 0),
  );
  return `${[gateHeadline(result), '', ...HEAD, ...rows.map(line), ...layers.map(line)].join('\n')}\n`;
}

/**
 * A Markdown summary for a pull-request comment: the verdict first, failures, the rows, and the per-layer
 * entries counted by verdict. It never exceeds PR_COMMENT_LIMIT characters; the full per-layer table is
 * renderGateDetails (the CLI writes it to --details FILE).
 */
export function renderGateMarkdown(
  result: GateResult,
  baseline: GateSource,
  current: GateSource,
  detailsPath?: string,
): string {
  const { options } = result;
  const threshold = `${fmt(options.maxSlowdown * 100, 1)}%`;
  const level = `${fmt((1 - 2 * options.alpha) * 100, 0)}%`;
  const rows = result.comparisons.filter((c) => c.scope === 'row');
  const layers = result.comparisons.filter((c) => c.scope === 'layer');
  const counts = new Map<string, number>();
  for (const c of layers) counts.set(c.verdict, (counts.get(c.verdict) ?? 0) + 1);
  const hint = gateHint(result, baseline);
  const device = (src: GateSource) => (src.identity ? `${src.device}, ${src.identity}` : src.device);
  const power =
    result.samplesNeededPerRow !== null
      ? ` With ${result.samplesNeededPerRow}+ samples per side a row can reach significance.`
      : '';
  const out = [
    gateHeadline(result),
    '',
    ...gateCaveats(result).flatMap((c) => [`> ${c}`, '']),
    ...(hint ? [hint, ''] : []),
    `- **Baseline:** \`${baseline.path}\` — ${device(baseline)}, commit ${baseline.commit ?? 'unknown'}, ${baseline.date}`,
    `- **Current:** \`${current.path}\` — ${device(current)}, commit ${current.commit ?? 'unknown'}, ${current.date}`,
    `- **Test:** one-sided exact Mann–Whitney U (exact conditional distribution with ties) at α = ${options.alpha}${options.correction === 'holm' ? ', Holm-adjusted within the rows and, separately, within the per-layer entries' : ''}, plus a ${level} bootstrap interval of the median ratio (${options.resamples} resamples, seed ${options.seed}). A slowdown fails when both are significant, the median ratio exceeds 1 + ${threshold} and the median grows by more than ${options.minDeltaMs} ms. Rows that ran in the baseline but not now also fail.${power}`,
    `- **Compared:** ${result.comparedRows} rows, ${layers.length} per-layer entries (${[...counts].map(([v, n]) => `${n} ${v}`).join(', ') || 'none'}).`,
    ...(result.notComparable.length
      ? [
          `- **Not comparable (left out):** ${result.notComparable.map((c) => `row \`${c.rowId}\` — ${c.note}`).join('; ')}.`,
        ]
      : []),
    ...result.warnings.map((w) => `- **Warning:** ${w}`),
    '',
  ];
  if (result.failures.length) {
    const shown = result.failures.slice(0, MAX_LISTED);
    out.push('### Regressions', '', ...HEAD, ...shown.map(line));
    if (result.failures.length > shown.length)
      out.push('', `… and ${result.failures.length - shown.length} more (see the details file).`);
    out.push('');
  }
  if (rows.length) out.push('### Rows', '', ...HEAD, ...rows.map(line), '');
  if (layers.length) {
    out.push(
      detailsPath
        ? `The full per-layer table is in \`${detailsPath}\`.`
        : 'The full per-layer table: run the gate with `--details FILE`.',
    );
  }
  let text = `${out.join('\n').trimEnd()}\n`;
  if (text.length > PR_COMMENT_LIMIT) {
    const tailNote = '\n… (cut to fit a pull-request comment; see the details file)\n';
    text = text.slice(0, PR_COMMENT_LIMIT - tailNote.length) + tailNote;
  }
  return text;
}
