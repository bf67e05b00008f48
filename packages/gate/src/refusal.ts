import type { GateResult } from './compare.js';
import { benchCommand, type GateSource } from './markdown.js';

/** "row scaled-tvm: … (and 2 more)": the first reason, and how many others there are. */
function firstOf(reasons: readonly string[]): string {
  const more = reasons.length - 1;
  return more > 0 ? `${reasons[0]} (and ${more} more)` : reasons[0]!;
}

/**
 * The one line a gate that refused to compare prints (without the `unet3d gate: ` prefix), with the fix in
 * parentheses, or null when it compared. Refused: another workload (`not comparable: patch … in the baseline,
 * … now (re-run the current side as …)`), another device identity (`not comparable: AVX-512 in the baseline,
 * AVX2 now; microarchitecture zen4 in the baseline, zen3 now (… or pass --cross-device …)`), or a noisy file
 * (`noisy: the current file … was measured on a busy machine: row …: … (re-run it on a quiet machine, or pass
 * --allow-noisy …)`).
 */
export function gateRefusal(result: GateResult, baseline: GateSource, current: GateSource): string | null {
  if (result.outcome === 'not-comparable' && result.incomparable.length) {
    const fixes: string[] = [];
    if (result.workload.length) fixes.push(`re-run the current side as \`${benchCommand(baseline)}\``);
    if (result.incomparable.length > result.workload.length) {
      fixes.push('compare runs of the same device, or pass --cross-device to compare them anyway');
    }
    return `not comparable: ${result.incomparable.join('; ')} (${fixes.join('; ')})`;
  }
  if (result.outcome === 'noisy') {
    const { noisy } = result;
    const both = noisy.baseline.length > 0 && noisy.current.length > 0;
    const side = noisy.baseline.length ? 'baseline' : 'current';
    const path = side === 'baseline' ? baseline.path : current.path;
    const also = both ? '; the current file is noisy too' : '';
    const fix = both ? 're-run both on a quiet machine' : 're-run it on a quiet machine';
    return `noisy: the ${side} file ${path} was measured on a busy machine: ${firstOf(noisy[side])}${also} (${fix}, or pass --allow-noisy to compare anyway)`;
  }
  return null;
}
