import { type ProgressReporter, plainReporter } from '@unet3d/train';
import cliProgress from 'cli-progress';

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
