import { join } from 'node:path';
import { MEASURE_WORKERS } from '../../../packages/backend-tvm/src/targets/worker-path.js';

/**
 * The entry points besides the CLI's: the tuner's measure workers (backend-tvm MEASURE_WORKERS), each a
 * process of its own that the measurer starts from `<name>.mjs` beside the bundle's entry file
 * (measureWorkerPath). Bundling only the CLI's entry left them out, and every tuning trial failed.
 */
export function workerEntryPoints(repoRoot: string): Record<string, string> {
  const src = join(repoRoot, 'packages', 'backend-tvm', 'src');
  return Object.fromEntries(Object.entries(MEASURE_WORKERS).map(([name, rel]) => [name, join(src, rel)]));
}
