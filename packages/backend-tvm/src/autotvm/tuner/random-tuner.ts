import { Tuner } from './tuner.js';

/** Uniform random search over valid, unvisited configs (AutoTVM's RandomTuner). */
export class RandomTuner extends Tuner {
  readonly name = 'random';
  nextBatch(n: number): number[] {
    return this.randomFresh(n);
  }
}
