import type { ModelName } from '@unet3d/model';

/** Table 1 of Zhuang et al.: GFLOP per iteration (forward + backward) at batch 1 × 64×128×128. */
export const PAPER_TABLE1_GFLOP: Readonly<Record<ModelName, number>> = {
  baseline: 430.66,
  strided: 97.02,
  scaled: 211.24,
};

/** Relative difference (ours − paper) / paper. */
export function relativeToPaper(model: ModelName, gflop: number): number {
  const paper = PAPER_TABLE1_GFLOP[model];
  return (gflop - paper) / paper;
}
