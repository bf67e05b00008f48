import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/** Where a CPU's tuning logs live: `<resultsRoot>/tuning/<cpu-slug>/`. */
export function cpuTuningDir(resultsRoot: string, slug: string): string {
  return join(resultsRoot, 'tuning', slug);
}

/** The tuning logs in a folder (`*.jsonl`, the `.best.jsonl` summaries excluded), sorted. */
export function tuningLogsIn(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((n) => n.endsWith('.jsonl') && !n.endsWith('.best.jsonl'))
    .sort()
    .map((n) => join(dir, n));
}

const tokens = (slug: string): string[] => slug.split('-').filter((t) => t && t !== 'cpu');
const vendor = (slug: string): string | undefined =>
  ['amd', 'intel', 'arm', 'apple', 'ampere', 'graviton'].find((v) => tokens(slug).includes(v));
const cores = (slug: string): number | undefined => {
  const m = /-(\d+)c$/.exec(slug);
  return m ? Number(m[1]) : undefined;
};

/**
 * Similarity of two CPU slugs (higher is nearer): same vendor first, then shared model tokens (e.g. 'epyc',
 * 'xeon', a generation), then core count. A heuristic for transfer: the nearest CPU's records seed the
 * tuner of a CPU that has none; they are never applied as if measured here.
 */
export function cpuSimilarity(a: string, b: string): number {
  let s = 0;
  if (vendor(a) !== undefined && vendor(a) === vendor(b)) s += 100;
  const tb = new Set(tokens(b));
  for (const t of tokens(a)) if (!/^\d+c$/.test(t) && tb.has(t)) s += 10;
  const ca = cores(a);
  const cb = cores(b);
  if (ca !== undefined && cb !== undefined) s -= Math.abs(Math.log2(ca) - Math.log2(cb));
  return s;
}

/** The nearest other CPU under `<resultsRoot>/tuning/` that has logs, or undefined. */
export function nearestCpuWithLogs(
  resultsRoot: string,
  slug: string,
): { slug: string; logs: string[] } | undefined {
  const root = join(resultsRoot, 'tuning');
  if (!existsSync(root)) return undefined;
  const candidates = readdirSync(root)
    .filter((d) => d.startsWith('cpu-') && d !== slug)
    .map((d) => ({ slug: d, logs: tuningLogsIn(join(root, d)) }))
    .filter((c) => c.logs.length > 0)
    .sort(
      (x, y) => cpuSimilarity(slug, y.slug) - cpuSimilarity(slug, x.slug) || x.slug.localeCompare(y.slug),
    );
  return candidates[0];
}
