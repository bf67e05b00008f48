export interface IterationReport {
  iteration: number;
  total: number;
  loss: number;
  /** Nearest-neighbour affinity accuracy of this iteration's batch (thresholded at 0.5, masked voxels). */
  accuracy: number;
  ms: number;
}

/** Where per-iteration progress goes: a cli-progress bar on a TTY, one plain line per iteration otherwise. */
export interface ProgressReporter {
  start(total: number, done: number): void;
  iteration(r: IterationReport): void;
  /** A line that must stay visible (checkpoint written, held-out accuracy). */
  note(line: string): void;
  stop(): void;
}

export function formatIteration(r: IterationReport): string {
  const width = String(r.total).length;
  return (
    `iter ${String(r.iteration).padStart(width)}/${r.total} loss=${r.loss.toFixed(5)} ` +
    `acc=${(100 * r.accuracy).toFixed(2)}% time=${r.ms.toFixed(0)}ms`
  );
}

export function plainReporter(write: (s: string) => void = (s) => process.stdout.write(s)): ProgressReporter {
  return {
    start: () => {},
    iteration: (r) => write(`${formatIteration(r)}\n`),
    note: (line) => write(`${line}\n`),
    stop: () => {},
  };
}
