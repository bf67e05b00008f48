import { describe, expect, it } from 'vitest';
import { bowlLandscape, landscapeTarget, searchLandscape } from '../../testing/landscape.js';
import { GaTuner } from './ga-tuner.js';
import { ModelTuner } from './model-tuner.js';
import { RandomTuner } from './random-tuner.js';

/**
 * The search on a known synthetic landscape (8^6 = 262144 configs, some invalid, optimum cost 1):
 * the tuners must reach within 5% of the optimum within budget, and the cost-model-guided tuner must beat
 * random search on average over seeds.
 */
const land = bowlLandscape();

describe('tuners on a synthetic landscape', () => {
  it('the landscape optimum is where it was built', () => {
    const opt = land.space.fromDigits([5, 2, 6, 3, 1, 4]);
    expect(land.space.isValid(opt)).toBe(true);
    expect(land.cost(opt)).toBe(1);
    let min = Number.POSITIVE_INFINITY;
    for (let i = 0; i < land.space.size; i++) if (land.space.isValid(i)) min = Math.min(min, land.cost(i));
    expect(min).toBe(land.optimumCost);
  });

  it('never proposes a config twice or an invalid one, and is deterministic per seed', () => {
    for (const make of [
      (s: number) => new RandomTuner(landscapeTarget(land), s),
      (s: number) => new GaTuner(landscapeTarget(land), s),
    ]) {
      const t = make(1);
      const seen = new Set<number>();
      for (let b = 0; b < 10; b++) {
        const batch = t.nextBatch(16);
        for (const i of batch) {
          expect(seen.has(i)).toBe(false);
          expect(land.space.isValid(i)).toBe(true);
          seen.add(i);
        }
        t.update(
          batch,
          batch.map((i) => ({ costsMs: [land.cost(i)], error: 0, allCostS: 0, timestamp: '' })),
        );
      }
      expect(searchLandscape(land, make(7), 100)).toBe(searchLandscape(land, make(7), 100));
    }
  });

  it('GA reaches within 5% of the optimum within 600 trials', () => {
    for (const seed of [0, 1, 2]) {
      expect(searchLandscape(land, new GaTuner(landscapeTarget(land), seed), 600)).toBeLessThanOrEqual(
        1.05 * land.optimumCost,
      );
    }
  });

  it('the model-guided tuner reaches within 5% within 200 trials and beats random search on average', () => {
    const seeds = [0, 1, 2, 3];
    const model = seeds.map((s) => searchLandscape(land, new ModelTuner(landscapeTarget(land), s), 200));
    const random = seeds.map((s) => searchLandscape(land, new RandomTuner(landscapeTarget(land), s), 200));
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    console.log(
      `[landscape] budget 200: model ${model.map((x) => x.toFixed(4)).join(' ')} | random ${random.map((x) => x.toFixed(4)).join(' ')}`,
    );
    expect(mean(model)).toBeLessThan(mean(random));
    expect(mean(model)).toBeLessThanOrEqual(1.05 * land.optimumCost);
    expect(Math.min(...model)).toBeLessThanOrEqual(1.05 * land.optimumCost);
  });
});
