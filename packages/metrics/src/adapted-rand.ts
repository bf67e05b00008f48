import { ShapeError } from '@unet3d/core';

export interface AdaptedRand {
  /** Adapted Rand error = 1 − F-score of Rand precision and recall, in [0, 1]; 0 = identical up to relabelling. */
  error: number;
  /** Rand precision: Σ p_ij² / Σ s_j² (pairs together in both / pairs together in the prediction). */
  precision: number;
  /** Rand recall: Σ p_ij² / Σ t_i² (pairs together in both / pairs together in the ground truth). */
  recall: number;
}

/**
 * The adapted Rand error of the SNEMI3D challenge (Arganda-Carreras et al. 2015, "Crowdsourcing the creation
 * of image segmentation algorithms for connectomics", Front. Neuroanat. 9:142; the challenge's evaluation
 * script, as carried in gala's `evaluate.adapted_rand` and pytorch_connectomics' `adapted_rand`).
 *
 * With p_ij the number of voxels with ground-truth label i and predicted label j (the contingency table),
 * over voxels whose ground truth is not 0 (label 0 = boundary/unlabelled, excluded as in the challenge):
 *   t_i = Σ_j p_ij (all predicted labels, 0 included),  s_j = Σ_i p_ij for j ≠ 0,
 *   c = Σ_i p_i0 (labelled voxels predicted as 0),      n = all voxels (0s of the ground truth included),
 *   sumA = Σ t_i²,  sumB = Σ_{j≠0} s_j² + c/n,  sumAB = Σ_{i, j≠0} p_ij² + c/n,
 *   precision = sumAB / sumB,  recall = sumAB / sumA,  error = 1 − 2·P·R / (P + R).
 * The c/n terms are the script's (predicted 0 meant "no segment": each such voxel was meant to count as a
 * singleton, but the script adds c/n rather than c); we keep them so numbers match the challenge's.
 *
 * Inputs: two label volumes of equal length (any shape, flattened). Throws ShapeError on unequal lengths
 * or when the ground truth has no labelled voxel.
 */
export function adaptedRandError(prediction: Uint32Array, groundTruth: Uint32Array): AdaptedRand {
  if (prediction.length !== groundTruth.length) {
    throw new ShapeError(`prediction has ${prediction.length} voxels, ground truth ${groundTruth.length}`);
  }
  const n = groundTruth.length;
  // Sparse contingency table: row per ground-truth label, column per predicted label.
  const pairs = new Map<number, Map<number, number>>();
  const t = new Map<number, number>();
  const s = new Map<number, number>();
  let c = 0;
  let labelled = 0;
  for (let v = 0; v < n; v++) {
    const i = groundTruth[v]!;
    if (i === 0) continue;
    labelled++;
    const j = prediction[v]!;
    t.set(i, (t.get(i) ?? 0) + 1);
    if (j === 0) {
      c++;
      continue;
    }
    s.set(j, (s.get(j) ?? 0) + 1);
    let row = pairs.get(i);
    if (!row) {
      row = new Map();
      pairs.set(i, row);
    }
    row.set(j, (row.get(j) ?? 0) + 1);
  }
  if (labelled === 0) throw new ShapeError('the ground truth has no labelled (non-zero) voxel to score');
  let sumA = 0;
  for (const v of t.values()) sumA += v * v;
  let sumB = c / n;
  for (const v of s.values()) sumB += v * v;
  let sumAB = c / n;
  for (const row of pairs.values()) for (const v of row.values()) sumAB += v * v;
  const precision = sumAB / sumB;
  const recall = sumAB / sumA;
  const f = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { error: 1 - f, precision, recall };
}
