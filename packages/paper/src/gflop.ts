import { PAPER_TABLE1, type PaperModel } from './table1.js';

/** Table 1's GFLOP per iteration of a network (1 MAC = 1 op, batch 1 × 64×128×128). */
export function paperGflop(model: PaperModel): number {
  const row = PAPER_TABLE1.find((r) => r.model === model);
  if (!row) throw new Error(`no Table 1 row uses model '${model}'`);
  return row.gflop;
}

/** Relative difference (ours − paper) / paper of a GFLOP figure in the paper's convention. */
export function relativeToPaper(model: PaperModel, gflop: number): number {
  const paper = paperGflop(model);
  return (gflop - paper) / paper;
}
