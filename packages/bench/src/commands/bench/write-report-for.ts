import { dirname, join } from 'node:path';
import { flopsAnalytic, writeReport } from '@unet3d/report';
import { loadResults } from '@unet3d/results';
import { newestAccuracyFor } from '../report/accuracy-source.js';
import { tuningLogsFor } from '../report/tuning-logs.js';

/** Regenerate results/<device>/report/ from a results file; returns the Markdown path. */
export async function writeReportFor(resultsPath: string, resultsRoot: string): Promise<string> {
  const run = await loadResults(resultsPath);
  const tuning = await tuningLogsFor(resultsRoot, run);
  const accuracy = await newestAccuracyFor(resultsRoot);
  const outDir = join(dirname(resultsPath), 'report');
  const written = await writeReport({
    run,
    source: resultsPath,
    outDir,
    analytic: flopsAnalytic(),
    ...(tuning ? { tuning } : {}),
    ...(accuracy ? { accuracy } : {}),
  });
  return written.markdown;
}
