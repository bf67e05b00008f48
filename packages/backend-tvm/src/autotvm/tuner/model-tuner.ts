import { RandomForestRegression } from 'ml-random-forest';
import { knobFeatures } from '../features.js';
import { type SaOptions, simulatedAnnealing } from './sa-optimizer.js';
import { type TransferSample, Tuner, type TunerTarget } from './tuner.js';

export interface ModelTunerOptions {
  /** Candidates planned per model fit (AutoTVM's plan_size). */
  planSize: number;
  /** Fraction of each batch drawn at random (epsilon-greedy exploration). */
  epsilon: number;
  /** Measurements (of this task) before the model is trusted. */
  minTrain: number;
  nEstimators: number;
  /**
   * Most transfer samples kept (a seeded subset beyond it): the random forest's training time grows faster
   * than linearly with samples (about 1 s at 250, 9 s at 1000 on one core), and a tune with a time limit
   * cannot spend it per task.
   */
  maxTransfer: number;
  sa: Partial<SaOptions>;
}

export const DEFAULT_MODEL_TUNER: ModelTunerOptions = {
  planSize: 32,
  epsilon: 0.05,
  minTrain: 16,
  nEstimators: 24,
  maxTransfer: 256,
  sa: { parallel: 64, steps: 80, earlyStop: 25 },
};

/**
 * Cost-model-guided tuner after AutoTVM's XGBTuner, with a random-forest regressor (ml-random-forest) as the
 * model: configs are featurised (knob features + workload features), the model is fitted on every measured
 * config (target: throughput normalised to the best so far, failures 0) plus any transfer samples from
 * similar workloads, simulated annealing over the model picks the `planSize` most promising unvisited
 * configs, and batches are drawn from that plan with epsilon-greedy random exploration. The model is fitted
 * when a batch is asked for (never in `update` or `loadTransfer`), so replaying a log or a time limit that
 * has passed costs no fit.
 */
export class ModelTuner extends Tuner {
  readonly name = 'model-rf';
  private readonly opts: ModelTunerOptions;
  private transfer: TransferSample[] = [];
  private plan: number[] = [];
  private model: RandomForestRegression | undefined;
  private fittedAt = 0;

  constructor(target: TunerTarget, seed: number, options: Partial<ModelTunerOptions> = {}) {
    super(target, seed);
    this.opts = { ...DEFAULT_MODEL_TUNER, ...options };
  }

  override loadTransfer(samples: readonly TransferSample[]): void {
    // Samples of this very task (another device's log) first, then a seeded subset of the rest (partial
    // Fisher–Yates), so that a fit stays cheap whatever the size of the logs.
    const max = this.opts.maxTransfer;
    const own = samples.filter((s) => s.sameTask).slice(0, max);
    const rest = samples.filter((s) => !s.sameTask);
    const room = max - own.length;
    for (let i = 0; rest.length > room && i < room; i++) {
      const j = i + this.rng.int(rest.length - i);
      [rest[i], rest[j]] = [rest[j]!, rest[i]!];
    }
    this.transfer = [...own, ...rest.slice(0, room)];
  }

  features(index: number): number[] {
    return [...knobFeatures(this.space, index), ...this.target.workloadFeatures];
  }

  /** Predicted score (higher is better) of configs; undefined before a model exists. */
  predict(indices: readonly number[]): number[] | undefined {
    if (!this.model || indices.length === 0) return undefined;
    return this.model.predict(indices.map((i) => this.features(i)));
  }

  nextBatch(n: number): number[] {
    if (this.refitDue()) this.fit();
    const taken = new Set<number>();
    const out: number[] = [];
    const nRandom = this.model ? Math.floor(n * this.opts.epsilon + this.rng.next()) : n;
    while (out.length < n - nRandom && this.plan.length > 0) {
      const i = this.plan.shift()!;
      if (this.visited.has(i) || taken.has(i)) continue;
      out.push(i);
      taken.add(i);
    }
    out.push(...this.randomFresh(n - out.length, taken));
    return out;
  }

  /** Enough data for a model, and none yet, or half a plan measured since the last fit, or the plan used up. */
  private refitDue(): boolean {
    const successes = this.observed.filter((o) => Number.isFinite(o.cost)).length;
    if (successes + this.transfer.length < this.opts.minTrain) return false;
    if (!this.model) return true;
    return (
      this.observed.length - this.fittedAt >= Math.max(1, this.opts.planSize / 2) || this.plan.length === 0
    );
  }

  private fit(): void {
    const best = this.bestCost;
    const xs: number[][] = this.transfer.map((t) => [...t.features]);
    const ys: number[] = this.transfer.map((t) => t.score);
    for (const o of this.observed) {
      xs.push(this.features(o.index));
      ys.push(Number.isFinite(o.cost) && Number.isFinite(best) ? best / o.cost : 0);
    }
    if (xs.length < 2) return;
    const rf = new RandomForestRegression({
      nEstimators: this.opts.nEstimators,
      maxFeatures: 0.8,
      replacement: true,
      useSampleBagging: true,
      seed: this.rng.int(0x7fffffff),
      noOOB: true,
      treeOptions: { minNumSamples: 2 },
    } as unknown as ConstructorParameters<typeof RandomForestRegression>[0]);
    rf.train(xs, ys);
    this.model = rf;
    this.fittedAt = this.observed.length;
    // Start chains from the best measured configs plus random points, like AutoTVM's SA optimizer.
    const starts = [...this.observed]
      .filter((o) => Number.isFinite(o.cost))
      .sort((a, b) => a.cost - b.cost)
      .slice(0, 16)
      .map((o) => o.index);
    this.plan = simulatedAnnealing(
      this.space,
      (idx) => this.predict(idx) ?? idx.map(() => 0),
      this.opts.planSize,
      this.visited,
      this.rng,
      starts,
      this.opts.sa,
    );
  }
}
