import { describe, expect, it } from 'vitest';
import { planTrials } from './trial-plan.js';

const task = (id: string, shareMs: number, trialS = 1, maxTrials = 1000) => ({
  id,
  shareMs,
  trialS,
  maxTrials,
});
const trialsOf = (plan: ReturnType<typeof planTrials>) =>
  Object.fromEntries(plan.map((p) => [p.id, p.trials]));

describe('planTrials: trials in proportion to the share of the iteration time', () => {
  it('drops the task too small for the minimum and gives its part to the others, largest first', () => {
    // Shares 60, 30, 10, 1 ms; 1 s a trial; 100 s. k = 100/101 gives d 0.99 < 4 trials: dropped;
    // then k = 100/100 = 1: 60, 30, 10 trials, exactly the budget.
    const plan = planTrials([task('c', 10), task('a', 60), task('d', 1), task('b', 30)], { seconds: 100 }, 4);
    expect(plan.map((p) => p.id)).toEqual(['a', 'b', 'c', 'd']);
    expect(trialsOf(plan)).toEqual({ a: 60, b: 30, c: 10, d: 0 });
    expect(plan.map((p) => p.seconds)).toEqual([60, 30, 10, 0]);
  });

  it('a time box weighs each task by its trial cost: nᵢ = k·shareᵢ with Σ nᵢ·trialSᵢ = budget', () => {
    // Shares 40 and 10 ms, trials of 2 s and 0.5 s: Σ share·cost = 80 + 5 = 85, so a budget of 85 s gives
    // k = 1: 40 trials (80 s) and 10 trials (5 s). Twice the budget, twice the trials.
    expect(trialsOf(planTrials([task('big', 40, 2), task('small', 10, 0.5)], { seconds: 85 }))).toEqual({
      big: 40,
      small: 10,
    });
    expect(trialsOf(planTrials([task('big', 40, 2), task('small', 10, 0.5)], { seconds: 170 }))).toEqual({
      big: 80,
      small: 20,
    });
  });

  it('caps a task at its most trials and passes the rest on; a trial budget counts trials', () => {
    // 100 trials over shares 50, 25, 25 would give 50, 25, 25; 'x' may take 20: the other 80 split 40/40.
    const plan = planTrials([task('x', 50, 1, 20), task('y', 25), task('z', 25)], { trials: 100 });
    expect(trialsOf(plan)).toEqual({ x: 20, y: 40, z: 40 });
  });

  it('rounds down, then gives what is left to the largest remainders; tasks with no share get nothing', () => {
    // 10 trials over 1:1:1 → 3.33 each → 3, 3, 3 and one left: the tie of remainders goes to the first id.
    const plan = planTrials([task('p', 1), task('q', 1), task('r', 1), task('none', 0)], { trials: 10 });
    expect(trialsOf(plan)).toEqual({ p: 4, q: 3, r: 3, none: 0 });
    expect(plan.reduce((s, p) => s + p.trials, 0)).toBe(10);
    expect(trialsOf(planTrials([task('a', 5)], { seconds: 0 }))).toEqual({ a: 0 });
  });
});
