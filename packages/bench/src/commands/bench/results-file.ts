import { unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import {
  type BenchRunInput,
  resultsPathFor,
  rewriteResultsAtomic,
  writeRunToResultsDir,
} from '@unet3d/results';

/**
 * The results file of a run in progress, rewritten whole and atomically (temp file, fsync, rename) after
 * every row, so a stop at any moment leaves the last complete version on disk.
 *
 * A fresh run's file is created on its first write, under results/<device>/<start time>.json, never over
 * another file. Its device is the first measured row's; should that change the folder (rows before it
 * could not run, and it ran on a GPU), the file moves: written in full under the new name first, then the
 * old one removed. A resumed run's file (`fixedPath`) stays where it is.
 */
export class ResultsFile {
  private current: string | null;

  constructor(
    private readonly resultsRoot: string,
    private readonly fixedPath?: string,
  ) {
    this.current = fixedPath ?? null;
  }

  /** The file's path, once written (a resumed run's from the start). */
  get path(): string | null {
    return this.current;
  }

  async write(run: BenchRunInput): Promise<string> {
    const wanted = resultsPathFor(this.resultsRoot, run);
    if (this.current === null) {
      this.current = await writeRunToResultsDir(this.resultsRoot, run);
    } else if (!this.fixedPath && dirname(this.current) !== dirname(wanted)) {
      const old = this.current;
      this.current = await writeRunToResultsDir(this.resultsRoot, run);
      await unlink(old).catch(() => {});
    } else {
      await rewriteResultsAtomic(this.current, run);
    }
    return this.current;
  }
}
