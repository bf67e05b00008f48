import { PAPER_TABLE1 } from '@unet3d/paper';
import type { AccuracyResults } from '@unet3d/results';
import type { Table1Line } from './table1.js';

/** "± sd" of a summary, or "" with one seed. */
function spread(std: number | null, scale: number, decimals: number): string {
  return std === null ? '' : ` ± ${(std * scale).toFixed(decimals)}`;
}

/** The data and budget an accuracy file's numbers came from, in the words the report labels them with. */
export function accuracyLabel(results: AccuracyResults): string {
  const p = results.protocol;
  return `${results.data.label}: ${p.iterations} iterations of batch ${p.batch} × ${p.patch.join('×')}`;
}

/**
 * Table 1 with our Accuracy column taken from an accuracy results file: each paper row gets the summary of
 * its network (by model name; row 4 is row 3's network under another implementation, so it shares row 3's
 * value and says so). The value is the mean over seeds of the validation voxel accuracy (nearest-neighbour
 * maps at 0.5); the label gives the spread, the seed count, the data and budget, and the adapted Rand error.
 * Rows whose model has no summary keep what they had.
 */
export function withAccuracy(table: readonly Table1Line[], results: AccuracyResults): Table1Line[] {
  const label = accuracyLabel(results);
  const byModel = new Map(results.summary.map((s) => [s.model, s]));
  const firstRowOf = new Map<string, number>();
  for (const l of table) {
    const model = modelOf(l);
    if (model && l.paperRow !== null && !firstRowOf.has(model)) firstRowOf.set(model, l.paperRow);
  }
  return table.map((l) => {
    const model = modelOf(l);
    const s = model ? byModel.get(model) : undefined;
    if (!s) return l;
    const first = firstRowOf.get(model!);
    const shared = first !== undefined && l.paperRow !== null && l.paperRow !== first;
    const are = s.adaptedRandError;
    const source =
      `${spread(s.accuracy.std, 100, 2).trimStart()}${s.accuracy.std === null ? '' : ' '}over ${s.accuracy.n} seed${s.accuracy.n === 1 ? '' : 's'}; ${label}; ` +
      `adapted Rand error ${are.mean.toFixed(3)}${spread(are.std, 1, 3)}` +
      (shared ? `; row ${first}'s network, so row ${first}'s value` : '');
    return { ...l, ours: { ...l.ours, accuracyPercent: s.accuracy.mean * 100, accuracySource: source } };
  });
}

/** The @unet3d/model preset of a Table 1 line: the paper row's model, else by stride and channels. */
function modelOf(l: Table1Line): string | undefined {
  const paper = PAPER_TABLE1.find((p) => p.paperRow === l.paperRow);
  if (paper) return paper.model;
  const c = l.channels.join(',');
  if (c === '24,32,48,72,104') return l.strided ? 'strided' : 'baseline';
  if (c === '24,64,192,192,192' && l.strided) return 'scaled';
  return undefined;
}

/** Lines under Table 1 saying where the Accuracy column came from and what it means. */
export function accuracyNotes(results: AccuracyResults, source: string): string[] {
  const p = results.protocol;
  return [
    `**Accuracy (ours)** comes from \`${source}\` (${results.data.label}; ${results.provenance.date}): ` +
      `each network trained ${p.iterations} iterations (batch ${p.batch} × ${p.patch.join('×')}, Adam lr ${p.learningRate}) ` +
      `with ${results.summary[0]?.accuracy.n ?? 0} seeds on the first ${p.split.fraction} of the volume along ${p.split.axis} ` +
      `(train [${p.split.trainShape.join(',')}], validation [${p.split.validationShape.join(',')}]), ` +
      `then scored on the validation part: voxel accuracy of the nearest-neighbour affinity maps (channels ${p.accuracy.channels.join(',')}) at ${p.accuracy.threshold}, ` +
      `mean ± sample sd over seeds, and the adapted Rand error of the ${p.segmentation.method} of the affinities at ${p.segmentation.threshold}. ` +
      `The paper's numbers are for SNEMI3D trained to convergence; ${results.data.kind === 'snemi3d' ? 'ours are too.' : 'ours are not comparable in level, only a check that the pipeline runs end to end.'}`,
    ...results.provenance.notes.map((n) => `- ${n}`),
  ];
}
