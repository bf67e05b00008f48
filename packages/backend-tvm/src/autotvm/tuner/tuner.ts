import { mixSeed, type SeededRng as Rng, seededRng } from '@unet3d/core';
import { type MeasureResult, meanCost } from '../measure-error.js';
import type { ConfigSpace } from '../space.js';

/** A tuner's view of a task: the space, and (for model-based tuners) features of the workload. */
export interface TunerTarget {
  readonly space: ConfigSpace;
  /** Workload features appended to knob features (log2 GEMM sizes...), for transfer across workloads. */
  readonly workloadFeatures: readonly number[];
}

/** One measurement from another workload, used to seed a cost model (transfer learning). */
export interface TransferSample {
  readonly features: readonly number[];
  /** Normalised throughput in [0, 1] within its own workload. */
  readonly score: number;
  /** A measurement of the tuned task itself (on another device): kept first when samples are capped. */
  readonly sameTask?: boolean;
}

/**
 * AutoTVM's Tuner: proposes batches of config indices and learns from their results. Every tuner is seeded;
 * `update` is also how a resumed run replays the log, so a tuner's state after resume equals the state it
 * would have had.
 */
export abstract class Tuner {
  abstract readonly name: string;
  protected readonly rng: Rng;
  protected readonly visited = new Set<number>();
  protected readonly observed: { index: number; cost: number }[] = [];
  bestIndex: number | undefined;
  bestCost = Number.POSITIVE_INFINITY;

  constructor(
    protected readonly target: TunerTarget,
    seed: number,
  ) {
    this.rng = seededRng(mixSeed(seed));
  }

  get space(): ConfigSpace {
    return this.target.space;
  }

  /** Up to `n` unvisited valid configs to measure next. */
  abstract nextBatch(n: number): number[];

  update(indices: readonly number[], results: readonly MeasureResult[]): void {
    indices.forEach((index, i) => {
      const r = results[i]!;
      const cost = meanCost(r);
      this.visited.add(index);
      this.observed.push({ index, cost });
      if (cost < this.bestCost) {
        this.bestCost = cost;
        this.bestIndex = index;
      }
    });
    this.afterUpdate();
  }

  /** Hook for subclasses (refit a model, evolve a population). */
  protected afterUpdate(): void {}

  /** Seed with measurements of other workloads (only model-based tuners use them). */
  loadTransfer(_samples: readonly TransferSample[]): void {}

  hasVisited(index: number): boolean {
    return this.visited.has(index);
  }

  get visitedCount(): number {
    return this.visited.size;
  }

  /** Random unvisited valid configs, not in `taken`. */
  protected randomFresh(n: number, taken: Set<number> = new Set()): number[] {
    const out: number[] = [];
    for (let t = 0; t < n; t++) {
      const i = this.space.randomValid(this.rng, new Set([...this.visited, ...taken]));
      if (i === undefined) break;
      out.push(i);
      taken.add(i);
    }
    return out;
  }
}
