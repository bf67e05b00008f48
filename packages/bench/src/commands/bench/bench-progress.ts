import type { BenchRowInput } from '@unet3d/results';
import cliProgress from 'cli-progress';

/** How often a non-TTY run (a CI log) says it is still working: 30 s, often enough that a CI runner's idle-output timeout never kills a live run. */
export const HEARTBEAT_MS = 30_000;

export interface BenchProgressOptions {
  /** Default: whether stderr is a terminal. */
  readonly tty?: boolean;
  readonly heartbeatMs?: number;
  readonly write?: (text: string) => void;
  readonly now?: () => number;
}

function fmtElapsed(ms: number): string {
  const s = Math.round(ms / 1000);
  const m = Math.floor(s / 60);
  return m > 0 ? `${m}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}

/**
 * Progress of a bench run (stderr): a bar per row on a TTY; otherwise one line per row start and end, and
 * a heartbeat line every 30 s while a row runs (phase, iterations done, time in the row), so a CI log shows
 * a long CPU row is alive.
 */
export class BenchProgress {
  private readonly tty: boolean;
  private readonly write: (text: string) => void;
  private readonly now: () => number;
  private bar: cliProgress.SingleBar | null = null;
  private index = 0;
  private heartbeat: NodeJS.Timeout | null = null;
  private label = '';
  private rowStart = 0;
  private last: { phase: string; done: number; total: number } | null = null;

  constructor(
    private readonly rowCount: number,
    private readonly options: BenchProgressOptions = {},
  ) {
    this.tty = options.tty ?? Boolean(process.stderr.isTTY);
    this.write = options.write ?? ((t) => process.stderr.write(t));
    this.now = options.now ?? (() => performance.now());
  }

  startRow(id: string, backend: string): void {
    this.index++;
    this.label = `[${this.index}/${this.rowCount}] ${id} (${backend})`;
    this.rowStart = this.now();
    this.last = null;
    if (!this.tty) {
      this.write(`${this.label}: starting\n`);
      this.stopHeartbeat();
      this.heartbeat = setInterval(() => this.beat(), this.options.heartbeatMs ?? HEARTBEAT_MS);
      this.heartbeat.unref();
      return;
    }
    this.bar = new cliProgress.SingleBar(
      {
        format: `${this.label} {bar} {value}/{total} iterations · {phase}`,
        stream: process.stderr,
        clearOnComplete: false,
      },
      cliProgress.Presets.shades_classic,
    );
    this.bar.start(1, 0, { phase: 'starting' });
  }

  /** The heartbeat line (non-TTY): where the running row is, and for how long it has run. */
  private beat(): void {
    const where = this.last
      ? `${this.last.phase} ${this.last.done}/${this.last.total} iterations`
      : 'starting';
    this.write(`${this.label}: ${where}, ${fmtElapsed(this.now() - this.rowStart)} in this row\n`);
  }

  update(phase: string, done: number, total: number): void {
    this.last = { phase, done, total };
    if (!this.bar) return;
    this.bar.setTotal(total);
    this.bar.update(phase === 'prepare' ? 0 : done, { phase });
  }

  endRow(row: BenchRowInput): void {
    this.stopHeartbeat();
    this.bar?.stop();
    this.bar = null;
    const what =
      row.status === 'ok'
        ? `ok, median ${((row.medianMs ?? 0) / 1000).toFixed(3)} s/iteration`
        : `${row.status}: ${row.reason}`;
    this.write(`  ${row.id}: ${what}\n`);
  }

  private stopHeartbeat(): void {
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = null;
  }

  stop(): void {
    this.stopHeartbeat();
    this.bar?.stop();
    this.bar = null;
  }
}
