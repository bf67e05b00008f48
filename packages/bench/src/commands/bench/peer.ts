import { availableParallelism } from 'node:os';
import { type BenchRowInput, median } from '@unet3d/results';
import { findPeerPython, type PeerPython } from './peer-python.js';
import { findPeerScript, type PeerRowSpec, runPeerRow } from './peer-run.js';
import type { RowJob } from './row-job.js';

export interface PeerOptions {
  /** `--peer` was given. */
  peer?: boolean;
  /** `--python PATH`. */
  python?: string;
  /** Seconds before a peer run is stopped (the row's --timeout). */
  timeout: number;
}

/**
 * `unet3d bench --peer`: ours ÷ a framework needs both timed in one run on one machine, so after each of our rows, in the same run, the PyTorch peer
 * (scripts/pytorch-peer/train_step.py) times the same network, patch, batch, math mode, device, CPU thread
 * count and iteration counts; its raw samples go into the row's `peer` field, and the report shows ours ÷
 * PyTorch per row. Rows alternate (ours, then the peer), so both see the same machine state.
 */
export class BenchPeer {
  private readonly notesList: string[] = [];

  private constructor(
    private readonly py: PeerPython,
    private readonly script: string,
    private readonly timeoutMs: number,
  ) {}

  /**
   * The peer when `--peer` was given and a Python with torch and the peer script are found; otherwise
   * undefined, after one line on stderr saying why (no column in the report). `--python` without torch is a
   * ConfigError.
   */
  static async open(opts: PeerOptions): Promise<BenchPeer | undefined> {
    if (!opts.peer) return undefined;
    const found = await findPeerPython(opts.python);
    if ('missing' in found) {
      process.stderr.write(
        `unet3d bench: --peer: no Python with torch found (${found.missing}); timing without the PyTorch peer\n`,
      );
      return undefined;
    }
    const script = findPeerScript();
    if (!script) {
      process.stderr.write(
        'unet3d bench: --peer: scripts/pytorch-peer/train_step.py not found (set UNET3D_PEER_SCRIPT); timing without the PyTorch peer\n',
      );
      return undefined;
    }
    return new BenchPeer(found, script, opts.timeout * 1000);
  }

  /** What the results file's notes say about the peer. */
  notes(): string[] {
    return [
      `PyTorch peer: torch ${this.py.torchVersion} (${this.py.python}), timed after each row with the same network, patch, batch, math mode and iteration counts.`,
      ...this.notesList,
    ];
  }

  /** The peer's spec for an 'ok' row, or why it cannot be timed. */
  specFor(job: RowJob, row: BenchRowInput): PeerRowSpec | string {
    if (row.status !== 'ok') return `row ${row.id} is ${row.status}`;
    if (row.backendDevice === 'cpu' && job.mathMode !== 'fp32') {
      return `row ${row.id}: the PyTorch peer runs fp32 only on the CPU, not ${job.mathMode}`;
    }
    return {
      model: row.model,
      device: row.backendDevice,
      mathMode: job.mathMode,
      patch: job.patch,
      batch: job.batch,
      threads: availableParallelism(),
      warmupIterations: row.warmupIterations,
      iterations: row.samplesMs.length,
      seed: job.seed,
    };
  }

  /** `row` with the peer's timing of the same configuration, or unchanged (and a note) when it fails. */
  async attach(job: RowJob, row: BenchRowInput): Promise<BenchRowInput> {
    const spec = this.specFor(job, row);
    if (typeof spec === 'string') {
      if (row.status === 'ok') this.notesList.push(`PyTorch peer not run: ${spec}.`);
      return row;
    }
    try {
      const peer = await runPeerRow(this.py.python, this.script, this.py.torchVersion, spec, this.timeoutMs);
      return { ...row, peer: { ...peer, medianMs: median(peer.samplesMs) } };
    } catch (err) {
      const line = `PyTorch peer failed on row ${row.id}: ${(err as Error).message.split('\n')[0]}`;
      process.stderr.write(`unet3d bench: ${line}\n`);
      this.notesList.push(`${line}.`);
      return row;
    }
  }
}
