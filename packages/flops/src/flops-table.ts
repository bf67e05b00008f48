import { arithmeticIntensity, passBytes } from './arithmetic-intensity.js';
import { allPasses, type FlopsReport } from './flops-report.js';

const G = 1e9;

function fmt(x: number, digits: number): string {
  return x.toFixed(digits);
}

function pad(cells: readonly string[], widths: readonly number[], leftAligned: number): string {
  return cells
    .map((c, i) => (i < leftAligned ? c.padEnd(widths[i]!) : c.padStart(widths[i]!)))
    .join('  ')
    .trimEnd();
}

/** The human-readable per-layer table and totals of the `flops` command. */
export function renderFlopsTable(report: FlopsReport): string {
  const { options, cost, roofline, paper } = report;
  const header = [
    'layer',
    'op',
    'kernel',
    'stride',
    'cin→cout',
    'output',
    'fwd GFLOP',
    'bwd-data',
    'bwd-filter',
    'params',
    'MB fp32',
    'FLOP/B',
  ];
  const rows = cost.layers.map((l) => {
    const c = l.cost;
    const total = allPasses(c);
    const conv = l.conv;
    return [
      l.name,
      conv?.transposed ? 'convT' : l.kind,
      conv ? conv.kernel.join('×') : '',
      conv ? conv.stride.join('×') : '',
      conv ? `${conv.inChannels}→${conv.outChannels}` : '',
      l.outputShape.join('×'),
      fmt(c.forward.flop / G, 3),
      fmt(c.backwardData.flop / G, 3),
      fmt(c.backwardFilter.flop / G, 3),
      String(c.params),
      fmt(passBytes(total, 'fp32') / 1e6, 1),
      fmt(arithmeticIntensity(total, 'fp32'), 1),
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const t = cost.totals;
  const lines = [
    `${options.model}: channels ${cost.network.channels.join(',')}, batch ${options.batch} × ` +
      `${options.input.join('×')} (z×y×x); 1 MAC = 2 FLOP`,
    '',
    pad(header, widths, 6),
    ...rows.map((r) => pad(r, widths, 6)),
    '',
    `totals (GMAC)  forward ${fmt(t.forwardMacs / G, 3)}  backward-data ${fmt(t.backwardDataMacs / G, 3)}  ` +
      `backward-filter ${fmt(t.backwardFilterMacs / G, 3)}`,
    `totals (GFLOP) forward ${fmt(t.forwardFlop / G, 3)}  backward-data ${fmt(t.backwardDataFlop / G, 3)}  ` +
      `backward-filter ${fmt(t.backwardFilterFlop / G, 3)}  (incl. element-wise and the loss)`,
    `paper convention (GMAC, fwd+bwd): ${fmt(t.paperGmac, 2)}` +
      (paper
        ? `  (paper Table 1: ${fmt(paper.gflop, 2)}, ${paper.relative >= 0 ? '+' : ''}${fmt(100 * paper.relative, 2)}%)`
        : ''),
    `iteration GFLOP (1 MAC = 2 FLOP, all passes, element-wise ${fmt(t.elementwiseFlop / G, 2)}): ` +
      fmt(t.iterationFlop / G, 2),
    `parameters: ${t.params}`,
    `fewest bytes per iteration: fp32 ${fmt(sumBytes(t.bytes.fp32) / G, 2)} GB, ` +
      `16-bit ${fmt(sumBytes(t.bytes['16-bit']) / G, 2)} GB`,
    `roofline lower bound on ${roofline.device} (${roofline.precision}): ${fmt(roofline.totalSeconds * 1e3, 1)} ms`,
  ];
  return `${lines.join('\n')}\n`;
}

function sumBytes(b: Readonly<Record<string, number>>): number {
  return Object.values(b).reduce((s, v) => s + v, 0);
}
