import { Tuner, type TunerTarget } from './tuner.js';

export interface GaOptions {
  popSize: number;
  eliteNum: number;
  mutationProb: number;
}

/**
 * Genetic search (AutoTVM's GATuner): a population of configs; fitness = 1 / cost; the next generation is
 * bred from fitness-proportional parents by per-knob uniform crossover plus per-knob mutation, elites kept.
 */
export class GaTuner extends Tuner {
  readonly name = 'ga';
  private readonly opts: GaOptions;
  private pending: number[] = [];
  private readonly scores = new Map<number, number>();

  constructor(target: TunerTarget, seed: number, options: Partial<GaOptions> = {}) {
    super(target, seed);
    this.opts = { popSize: 64, eliteNum: 4, mutationProb: 0.1, ...options };
  }

  nextBatch(n: number): number[] {
    if (this.pending.length === 0) this.pending = this.breed();
    const out: number[] = [];
    const taken = new Set<number>();
    while (out.length < n && this.pending.length > 0) {
      const i = this.pending.shift()!;
      if (!this.visited.has(i) && !taken.has(i)) {
        out.push(i);
        taken.add(i);
      }
    }
    if (out.length < n) out.push(...this.randomFresh(n - out.length, taken));
    return out;
  }

  protected override afterUpdate(): void {
    for (const o of this.observed) {
      if (!this.scores.has(o.index)) this.scores.set(o.index, Number.isFinite(o.cost) ? 1 / o.cost : 0);
    }
  }

  private breed(): number[] {
    const measured = [...this.scores.entries()].sort((a, b) => b[1] - a[1]);
    if (measured.length < this.opts.eliteNum || measured.every(([, s]) => s === 0)) {
      return this.randomFresh(this.opts.popSize);
    }
    const pop = measured.slice(0, this.opts.popSize);
    const total = pop.reduce((s, [, f]) => s + f, 0);
    const pickParent = (): number => {
      let r = this.rng.next() * total;
      for (const [i, f] of pop) {
        r -= f;
        if (r <= 0) return i;
      }
      return pop[0]![0];
    };
    const children = new Set<number>();
    const knobs = this.space.knobs;
    for (let tries = 0; children.size < this.opts.popSize && tries < this.opts.popSize * 50; tries++) {
      const a = this.space.digits(pickParent());
      const b = this.space.digits(pickParent());
      const child = a.map((d, k) => (this.rng.next() < 0.5 ? d : b[k]!));
      for (let k = 0; k < knobs.length; k++) {
        if (this.rng.next() < this.opts.mutationProb) child[k] = this.rng.int(knobs[k]!.values.length);
      }
      const idx = this.space.fromDigits(child);
      if (!this.visited.has(idx) && this.space.isValid(idx)) children.add(idx);
    }
    return [...children];
  }
}
