import { type AccuracyResults, loadAccuracyResults, newestAccuracyResults } from '@unet3d/results';

/**
 * The newest accuracy results file under `resultsRoot` (results/accuracy/accuracy-*.json) and its contents,
 * for Table 1's Accuracy column; undefined when there is none. Shared by `report` and `bench`'s own report.
 */
export async function newestAccuracyFor(
  resultsRoot: string,
): Promise<{ results: AccuracyResults; source: string } | undefined> {
  const source = await newestAccuracyResults(resultsRoot);
  return source ? { results: await loadAccuracyResults(source), source } : undefined;
}
