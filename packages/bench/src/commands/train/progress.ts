import cliProgress from 'cli-progress';

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

export function ttyReporter(): ProgressReporter {
  // A MultiBar with one bar: it can log lines above the bar (SingleBar cannot).
  const multi = new cliProgress.MultiBar(
    {
      format: 'train |{bar}| {value}/{total} loss={loss} acc={acc} time={ms}ms eta {eta_formatted}',
      hideCursor: true,
      clearOnComplete: false,
    },
    cliProgress.Presets.shades_classic,
  );
  let bar: cliProgress.SingleBar | undefined;
  let stopped = false;
  return {
    start: (total, done) => {
      bar = multi.create(total, done, { loss: '-', acc: '-', ms: '-' });
    },
    iteration: (r) =>
      bar?.update(r.iteration, {
        loss: r.loss.toFixed(5),
        acc: `${(100 * r.accuracy).toFixed(2)}%`,
        ms: r.ms.toFixed(0),
      }),
    note: (line) => {
      if (!bar || stopped) {
        process.stdout.write(`${line}\n`);
        return;
      }
      multi.log(`${line}\n`);
      multi.update(); // flush now: the training loop keeps the event loop busy between iterations
    },
    stop: () => {
      if (!stopped) multi.stop();
      stopped = true;
    },
  };
}

export function defaultReporter(): ProgressReporter {
  return process.stdout.isTTY ? ttyReporter() : plainReporter();
}
