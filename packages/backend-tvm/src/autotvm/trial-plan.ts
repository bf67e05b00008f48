/** One task as the trial plan sees it. */
export interface PlanTask {
  readonly id: string;
  /** Milliseconds the task takes in one iteration now (its best measured config × times it runs); ≥ 0. */
  readonly shareMs: number;
  /** Seconds one trial of it costs (build + check + timed runs), > 0; ignored for a trial-count budget. */
  readonly trialS: number;
  /** Most trials it may get (the rest of its trial budget, what is left of its space); ≥ 0. */
  readonly maxTrials: number;
}

export interface PlannedTask {
  readonly id: string;
  readonly shareMs: number;
  readonly trials: number;
  /** trials × trialS: what the task is expected to take, seconds. */
  readonly seconds: number;
}

/** What the plan spends: a time box (seconds) or a number of trials. */
export type PlanBudget = { readonly seconds: number } | { readonly trials: number };

/**
 * Trials in proportion to each task's share of the iteration time: nᵢ = k · shareᵢ, with k the largest that
 * keeps Σ nᵢ · costᵢ within the budget (costᵢ = trialSᵢ for a time box, 1 for a trial count). A task whose
 * share would earn it fewer than `minTrials` gets none (it keeps its fallback config) and its part goes to
 * the others, the smallest share dropped first; a task capped at `maxTrials` passes the rest on too. The
 * real-valued counts are rounded down, then what the budget still allows goes one trial at a time to the
 * largest remainders. Returned largest share first (the order to tune them in), zero-trial tasks included.
 * Pure: a schedule, not a measurement.
 */
export function planTrials(tasks: readonly PlanTask[], budget: PlanBudget, minTrials = 1): PlannedTask[] {
  const cost = (t: PlanTask): number => ('seconds' in budget ? t.trialS : 1);
  const total = 'seconds' in budget ? budget.seconds : budget.trials;
  const order = [...tasks].sort((a, b) => b.shareMs - a.shareMs || a.id.localeCompare(b.id));
  const capped = new Set<string>();
  const dropped = new Set<string>(
    order.filter((t) => !(t.shareMs > 0) || !(t.maxTrials > 0) || !(cost(t) > 0)).map((t) => t.id),
  );
  let real = new Map<string, number>();
  for (;;) {
    const free = order.filter((t) => !capped.has(t.id) && !dropped.has(t.id));
    const spentOnCapped = order
      .filter((t) => capped.has(t.id))
      .reduce((s, t) => s + t.maxTrials * cost(t), 0);
    const weight = free.reduce((s, t) => s + t.shareMs * cost(t), 0);
    const k = weight > 0 ? Math.max(0, total - spentOnCapped) / weight : 0;
    real = new Map(
      order.map((t) => [t.id, capped.has(t.id) ? t.maxTrials : dropped.has(t.id) ? 0 : k * t.shareMs]),
    );
    const over = free.filter((t) => real.get(t.id)! > t.maxTrials);
    if (over.length > 0) {
      for (const t of over) capped.add(t.id);
      continue;
    }
    const under = free.filter((t) => real.get(t.id)! < minTrials);
    if (under.length > 0) {
      // The smallest share goes first: dropping it may lift the next one above the minimum.
      dropped.add(under[under.length - 1]!.id);
      continue;
    }
    break;
  }
  const trials = new Map(order.map((t) => [t.id, Math.floor(real.get(t.id)! + 1e-9)]));
  let left = total - order.reduce((s, t) => s + trials.get(t.id)! * cost(t), 0);
  const byRemainder = order
    .filter((t) => !dropped.has(t.id))
    .sort((a, b) => real.get(b.id)! - trials.get(b.id)! - (real.get(a.id)! - trials.get(a.id)!));
  for (const t of byRemainder) {
    if (trials.get(t.id)! < t.maxTrials && cost(t) <= left + 1e-9 && real.get(t.id)! > trials.get(t.id)!) {
      trials.set(t.id, trials.get(t.id)! + 1);
      left -= cost(t);
    }
  }
  return order.map((t) => ({
    id: t.id,
    shareMs: t.shareMs,
    trials: trials.get(t.id)!,
    seconds: trials.get(t.id)! * ('seconds' in budget ? t.trialS : 0),
  }));
}
