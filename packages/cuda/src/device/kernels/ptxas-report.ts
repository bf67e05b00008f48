/** Per-kernel resource use as `ptxas -v` prints it. */
export interface PtxasKernelReport {
  readonly name: string;
  readonly arch: string;
  readonly registers: number;
  readonly stackBytes: number;
  readonly spillStoreBytes: number;
  readonly spillLoadBytes: number;
  readonly sharedBytes: number;
}

/** Parse `nvcc -Xptxas -v` (or `ptxas -v`) output into one report per kernel entry. */
export function parsePtxasVerbose(output: string): PtxasKernelReport[] {
  const reports: PtxasKernelReport[] = [];
  let current: { name: string; arch: string; stack: number; stores: number; loads: number } | undefined;
  for (const line of output.split('\n')) {
    const entry = /Compiling entry function '([^']+)' for '([^']+)'/.exec(line);
    if (entry) {
      current = { name: entry[1]!, arch: entry[2]!, stack: 0, stores: 0, loads: 0 };
      continue;
    }
    if (!current) continue;
    const frame = /(\d+) bytes stack frame, (\d+) bytes spill stores, (\d+) bytes spill loads/.exec(line);
    if (frame) {
      current.stack = Number(frame[1]);
      current.stores = Number(frame[2]);
      current.loads = Number(frame[3]);
      continue;
    }
    const used = /Used (\d+) registers/.exec(line);
    if (used) {
      const smem = /(\d+) bytes smem/.exec(line);
      reports.push({
        name: current.name,
        arch: current.arch,
        registers: Number(used[1]),
        stackBytes: current.stack,
        spillStoreBytes: current.stores,
        spillLoadBytes: current.loads,
        sharedBytes: smem ? Number(smem[1]) : 0,
      });
      current = undefined;
    }
  }
  return reports;
}
