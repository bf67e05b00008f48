/**
 * Holm–Bonferroni adjusted p-values (step-down; controls the family-wise error rate). Returns adjusted values
 * in the input order: p_adj(i) = max over j ≤ i of min(1, (m − j + 1)·p_(j)) in ascending order of p.
 */
export function holmAdjust(pValues: readonly number[]): number[] {
  const m = pValues.length;
  const order = pValues.map((p, i) => ({ p, i })).sort((a, b) => a.p - b.p);
  const out = new Array<number>(m).fill(1);
  let running = 0;
  order.forEach(({ p, i }, rank) => {
    running = Math.max(running, Math.min(1, (m - rank) * p));
    out[i] = running;
  });
  return out;
}
