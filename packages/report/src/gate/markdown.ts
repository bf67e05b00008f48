import { cell, fmt } from '../format.js';
import type { Comparison, GateResult } from './compare.js';

export interface GateSource {
  readonly path: string;
  readonly device: string;
  readonly commit: string | null;
  readonly date: string;
}

function where(c: Comparison): string {
  return c.scope === 'row' ? `row \`${c.rowId}\`` : `\`${c.rowId}\` / \`${c.layer}\` ${c.pass}`;
}

function pct(ratio: number | null): string {
  return ratio === null ? '—' : `${ratio >= 1 ? '+' : ''}${fmt((ratio - 1) * 100, 1)}%`;
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

/** A Markdown summary for a pull-request comment: verdict first, failures, then every comparison folded. */
export function renderGateMarkdown(result: GateResult, baseline: GateSource, current: GateSource): string {
  const { options } = result;
  const threshold = `${fmt(options.maxSlowdown * 100, 1)}%`;
  const level = `${fmt((1 - 2 * options.alpha) * 100, 0)}%`;
  const rows = result.comparisons.filter((c) => c.scope === 'row');
  const layers = result.comparisons.filter((c) => c.scope === 'layer');
  const faster = result.comparisons.filter((c) => c.verdict === 'faster');
  const out = [
    result.failed
      ? `## ❌ Benchmark gate: ${result.failures.length} regression${result.failures.length === 1 ? '' : 's'} beyond ${threshold}`
      : `## ✅ Benchmark gate: no significant slowdown beyond ${threshold}`,
    '',
    `- **Baseline:** \`${baseline.path}\` — ${baseline.device}, commit ${baseline.commit ?? 'unknown'}, ${baseline.date}`,
    `- **Current:** \`${current.path}\` — ${current.device}, commit ${current.commit ?? 'unknown'}, ${current.date}`,
    `- **Test:** one-sided Mann–Whitney U at α = ${options.alpha}${options.correction === 'holm' ? ' (Holm-adjusted across all comparisons)' : ''} plus a ${level} bootstrap interval of the median ratio (${options.resamples} resamples, seed ${options.seed}); a slowdown fails when both are significant and the median ratio exceeds 1 + ${threshold}. Rows that ran in the baseline but not now also fail.`,
    `- **Compared:** ${rows.length} rows, ${layers.length} per-layer entries; ${faster.length} significantly faster.`,
    ...result.warnings.map((w) => `- **Warning:** ${w}`),
    '',
  ];
  if (result.failures.length) out.push('### Regressions', '', ...HEAD, ...result.failures.map(line), '');
  out.push('### Rows', '', ...HEAD, ...rows.map(line), '');
  if (layers.length) {
    const sorted = [...layers].sort((a, b) => (b.ratio ?? 0) - (a.ratio ?? 0));
    out.push(
      '<details><summary>Every per-layer comparison (largest slowdown first)</summary>',
      '',
      ...HEAD,
      ...sorted.map(line),
      '',
      '</details>',
      '',
    );
  }
  return `${out.join('\n').trimEnd()}\n`;
}
