import type { SeededRng as Rng } from '@unet3d/core';
import { quantile } from '@unet3d/results';

export interface RatioInterval {
  /** median(current) / median(baseline) of the observed samples. */
  readonly ratio: number;
  /** Percentile bootstrap interval [q(alpha), q(1 − alpha)]: q(alpha) is a one-sided (1 − alpha) lower bound. */
  readonly lower: number;
  readonly upper: number;
  readonly resamples: number;
}

function medianOfResample(values: readonly number[], rng: Rng, scratch: number[]): number {
  for (let i = 0; i < values.length; i++) scratch[i] = values[rng.int(values.length)]!;
  scratch.sort((a, b) => a - b);
  const mid = (values.length - 1) / 2;
  return (scratch[Math.floor(mid)]! + scratch[Math.ceil(mid)]!) / 2;
}

/** Bootstrap interval of the ratio of medians (current over baseline), resampling each sample independently. */
export function bootstrapMedianRatio(
  baseline: readonly number[],
  current: readonly number[],
  rng: Rng,
  alpha: number,
  resamples = 2000,
): RatioInterval {
  if (baseline.length === 0 || current.length === 0)
    throw new RangeError('bootstrap needs non-empty samples');
  const ratios: number[] = [];
  const sb = new Array<number>(baseline.length);
  const sc = new Array<number>(current.length);
  for (let b = 0; b < resamples; b++) {
    const mb = medianOfResample(baseline, rng, sb);
    const mc = medianOfResample(current, rng, sc);
    ratios.push(mb > 0 ? mc / mb : Number.POSITIVE_INFINITY);
  }
  ratios.sort((a, b) => a - b);
  // Nearest-rank percentiles: well defined even when a resampled baseline median is 0 (ratio ∞).
  const at = (q: number) =>
    ratios[Math.min(ratios.length - 1, Math.max(0, Math.round(q * (ratios.length - 1))))]!;
  const mb = quantile(baseline, 0.5);
  return {
    ratio: mb > 0 ? quantile(current, 0.5) / mb : Number.POSITIVE_INFINITY,
    lower: at(alpha),
    upper: at(1 - alpha),
    resamples,
  };
}
