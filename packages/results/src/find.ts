import { readdir } from 'node:fs/promises';
import { join } from 'node:path';

const RESULTS_FILE = /^\d{4}-\d{2}-\d{2}T[\d-]+(?:\.\d+)?Z(?:-\d+)?\.json$/;

/** Whether a file name looks like one of ours: <timestamp>.json (temp files and reports excluded). */
export function isResultsFileName(name: string): boolean {
  return RESULTS_FILE.test(name);
}

/** Order by timestamp, then by the -N suffix a same-millisecond run gets. */
export function compareResultsFileNames(a: string, b: string): number {
  const key = (n: string): [string, number] => {
    const m = /^(.*?Z)(?:-(\d+))?\.json$/.exec(n);
    return [m?.[1] ?? n, Number(m?.[2] ?? 0)];
  };
  const [ta, na] = key(a);
  const [tb, nb] = key(b);
  return ta < tb ? -1 : ta > tb ? 1 : na - nb;
}

/**
 * The newest results file in each device directory under `resultsRoot` (results/<device-slug>/), by file
 * name (timestamps sort lexically). Directories without results files (e.g. `tuning`) are skipped.
 */
export async function newestResultsPerDevice(resultsRoot: string): Promise<string[]> {
  let entries: import('node:fs').Dirent[];
  try {
    entries = await readdir(resultsRoot, { withFileTypes: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const out: string[] = [];
  for (const entry of entries.filter((e) => e.isDirectory()).sort((a, b) => a.name.localeCompare(b.name))) {
    const dir = join(resultsRoot, entry.name);
    const names = (await readdir(dir)).filter(isResultsFileName).sort(compareResultsFileNames);
    const newest = names[names.length - 1];
    if (newest) out.push(join(dir, newest));
  }
  return out;
}
