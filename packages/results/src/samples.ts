/**
 * Order statistics of timing samples. Quantiles use linear interpolation between order statistics
 * (R type 7 / NumPy's default), so the median of an even-length sample is the mean of the middle two.
 */

export interface SampleSpread {
  readonly min: number;
  readonly p25: number;
  readonly p75: number;
  readonly max: number;
  /** Interquartile range p75 − p25. */
  readonly iqr: number;
  /** Median absolute deviation from the median (unscaled). */
  readonly mad: number;
}

export interface SampleSummary {
  readonly medianMs: number;
  readonly spread: SampleSpread;
}

function sortedCopy(values: readonly number[]): number[] {
  return [...values].sort((a, b) => a - b);
}

/** Quantile q ∈ [0, 1] of an ascending-sorted, non-empty array. */
export function quantileSorted(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) throw new RangeError('quantile of an empty sample');
  if (!(q >= 0 && q <= 1)) throw new RangeError(`quantile must be in [0, 1], got ${q}`);
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  const a = sorted[lo]!;
  const b = sorted[hi]!;
  return a + (b - a) * (pos - lo);
}

export function quantile(values: readonly number[], q: number): number {
  return quantileSorted(sortedCopy(values), q);
}

export function median(values: readonly number[]): number {
  return quantile(values, 0.5);
}

/** Median and spread of a non-empty sample. */
export function summarizeSamples(samplesMs: readonly number[]): SampleSummary {
  if (samplesMs.length === 0) throw new RangeError('cannot summarize an empty sample');
  const s = sortedCopy(samplesMs);
  const med = quantileSorted(s, 0.5);
  const p25 = quantileSorted(s, 0.25);
  const p75 = quantileSorted(s, 0.75);
  const mad = median(s.map((v) => Math.abs(v - med)));
  return {
    medianMs: med,
    spread: { min: s[0]!, p25, p75, max: s[s.length - 1]!, iqr: p75 - p25, mad },
  };
}
