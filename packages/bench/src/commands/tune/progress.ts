import cliProgress from 'cli-progress';

export interface TuneProgressView {
  /** Trials done so far over all tasks (resumed ones included). */
  readonly done: number;
  readonly total: number;
  readonly task: string;
  readonly taskIndex: number;
  readonly tasks: number;
  readonly bestMs: number;
  readonly errors: number;
}

/** Where tuning progress goes: a cli-progress bar with ETA on a TTY, a heartbeat line every 30 s otherwise. */
export interface TuneReporter {
  update(v: TuneProgressView): void;
  /** A line that must stay visible (a warning, a finished task). */
  note(line: string): void;
  stop(): void;
}

const fmtBest = (ms: number): string => (Number.isFinite(ms) ? `${ms.toFixed(2)} ms` : '-');

function fmtDuration(s: number): string {
  if (!Number.isFinite(s) || s < 0) return '-';
  const m = Math.floor(s / 60);
  return m > 0 ? `${m}m${String(Math.round(s % 60)).padStart(2, '0')}s` : `${Math.round(s)}s`;
}

/**
 * Remaining time: the trial rate so far applied to the trials left, capped by the time limit's end.
 * Seconds; Infinity before any progress.
 */
export function etaSeconds(
  startedMs: number,
  nowMs: number,
  doneThisRun: number,
  left: number,
  deadlineMs?: number,
): number {
  const byRate = doneThisRun > 0 ? ((nowMs - startedMs) / doneThisRun) * left : Number.POSITIVE_INFINITY;
  const byDeadline = deadlineMs !== undefined ? Math.max(0, deadlineMs - nowMs) : Number.POSITIVE_INFINITY;
  return Math.min(byRate, byDeadline) / 1000;
}

export function tuneReporter(options: {
  tty: boolean;
  deadlineMs?: number;
  write?: (s: string) => void;
  heartbeatMs?: number;
}): TuneReporter {
  const write = options.write ?? ((s: string) => process.stderr.write(s));
  const started = Date.now();
  let first: number | undefined;
  let last: TuneProgressView | undefined;
  const eta = (v: TuneProgressView): number =>
    etaSeconds(started, Date.now(), v.done - (first ?? v.done), v.total - v.done, options.deadlineMs);
  if (options.tty) {
    const multi = new cliProgress.MultiBar(
      {
        format: 'tune |{bar}| {value}/{total} trials · task {ti}/{tn} {task} · best {best} · eta {eta}',
        hideCursor: true,
        clearOnComplete: false,
        stream: process.stderr,
      },
      cliProgress.Presets.shades_classic,
    );
    let bar: cliProgress.SingleBar | undefined;
    return {
      update(v) {
        first ??= v.done;
        last = v;
        const payload = {
          ti: v.taskIndex,
          tn: v.tasks,
          task: v.task,
          best: fmtBest(v.bestMs),
          eta: fmtDuration(eta(v)),
        };
        if (!bar) bar = multi.create(v.total, v.done, payload);
        else bar.update(v.done, payload);
      },
      note: (line) => multi.log(`${line}\n`),
      stop: () => multi.stop(),
    };
  }
  const line = (v: TuneProgressView): string =>
    `tune: ${v.done}/${v.total} trials, task ${v.taskIndex}/${v.tasks} ${v.task}, best ${fmtBest(v.bestMs)}, ${v.errors} errors, elapsed ${fmtDuration((Date.now() - started) / 1000)}, eta ${fmtDuration(eta(v))}\n`;
  const timer = setInterval(() => {
    if (last) write(line(last));
  }, options.heartbeatMs ?? 30_000);
  timer.unref();
  return {
    update(v) {
      first ??= v.done;
      if (!last) write(line(v));
      last = v;
    },
    note: (l) => write(`${l}\n`),
    stop() {
      clearInterval(timer);
      if (last) write(line(last));
    },
  };
}
