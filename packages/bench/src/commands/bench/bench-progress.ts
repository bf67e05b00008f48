import type { BenchRowInput } from '@unet3d/results';
import cliProgress from 'cli-progress';

/** Progress of a bench run: a bar per row on a TTY, one line per row start and end otherwise (stderr). */
export class BenchProgress {
  private readonly tty = Boolean(process.stderr.isTTY);
  private bar: cliProgress.SingleBar | null = null;
  private index = 0;

  constructor(private readonly rowCount: number) {}

  startRow(id: string, backend: string): void {
    this.index++;
    const label = `[${this.index}/${this.rowCount}] ${id} (${backend})`;
    if (!this.tty) {
      process.stderr.write(`${label}: starting\n`);
      return;
    }
    this.bar = new cliProgress.SingleBar(
      {
        format: `${label} {bar} {value}/{total} iterations · {phase}`,
        stream: process.stderr,
        clearOnComplete: false,
      },
      cliProgress.Presets.shades_classic,
    );
    this.bar.start(1, 0, { phase: 'starting' });
  }

  update(phase: string, done: number, total: number): void {
    if (!this.bar) return;
    this.bar.setTotal(total);
    this.bar.update(phase === 'prepare' ? 0 : done, { phase });
  }

  endRow(row: BenchRowInput): void {
    this.bar?.stop();
    this.bar = null;
    const what =
      row.status === 'ok'
        ? `ok, median ${((row.medianMs ?? 0) / 1000).toFixed(3)} s/iteration`
        : `${row.status}: ${row.reason}`;
    process.stderr.write(`  ${row.id}: ${what}\n`);
  }

  stop(): void {
    this.bar?.stop();
  }
}
