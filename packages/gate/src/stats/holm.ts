import padjust from '@stdlib/stats-padjust';

/**
 * Holm–Bonferroni adjusted p-values (Holm 1979, step-down; controls the family-wise error rate), in the input
 * order: p_adj(i) = max over j ≤ i of min(1, (m − j + 1)·p_(j)) in ascending order of p. Computed by
 * @stdlib/stats-padjust. An empty family gives an empty array.
 */
export function holmAdjust(pValues: readonly number[]): number[] {
  if (pValues.length === 0) return [];
  return padjust([...pValues], 'holm');
}
