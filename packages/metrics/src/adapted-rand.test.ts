import { createRng } from '@unet3d/core';
import { describe, expect, it } from 'vitest';
import { adaptedRandError } from './adapted-rand.js';

/** Brute force over ordered voxel pairs (self-pairs included, as Σ p_ij² counts them), no contingency table. */
function pairCounting(pred: Uint32Array, gt: Uint32Array) {
  let together = 0;
  let predTogether = 0;
  let gtTogether = 0;
  for (let u = 0; u < gt.length; u++) {
    if (gt[u] === 0) continue;
    for (let v = 0; v < gt.length; v++) {
      if (gt[v] === 0) continue;
      const g = gt[u] === gt[v];
      const p = pred[u] === pred[v];
      if (g) gtTogether++;
      if (p) predTogether++;
      if (g && p) together++;
    }
  }
  const precision = together / predTogether;
  const recall = together / gtTogether;
  return 1 - (2 * precision * recall) / (precision + recall);
}

describe('adapted Rand error (SNEMI3D)', () => {
  it('is 0 for identical segmentations and for a relabelling of them', () => {
    const gt = Uint32Array.from([1, 1, 2, 2, 0, 3, 3, 3]);
    expect(adaptedRandError(gt, gt).error).toBe(0);
    expect(adaptedRandError(Uint32Array.from([7, 7, 4, 4, 9, 1, 1, 1]), gt).error).toBe(0);
  });

  it('3×3×3 with one merge and one split: error 1/3, precision 10/19, recall 10/11', () => {
    // Ground truth (z, y, x), 27 voxels:
    //   z = 0: all 9 voxels label 1;   z = 1: all 9 voxels label 2;
    //   z = 2: row y = 0 label 0 (ignored), rows y = 1, 2 label 3 (6 voxels).
    // Prediction: z = 0 and z = 1 both 5 (merge of 1 and 2); z = 2 row 0 also 5 (ground truth 0: must not
    //   count), row 1 → 7, row 2 → 8 (split of 3 into 3 + 3).
    // Contingency over labelled voxels: p(1,5) = 9, p(2,5) = 9, p(3,7) = 3, p(3,8) = 3, no predicted 0 (c = 0).
    //   t = (9, 9, 6)  → sumA = 81 + 81 + 36 = 198
    //   s = (18, 3, 3) → sumB = 324 + 9 + 9 = 342
    //   sumAB = 81 + 81 + 9 + 9 = 180
    //   P = 180/342 = 10/19, R = 180/198 = 10/11, F = 2PR/(P+R) = 2·180/(198+342) = 360/540 = 2/3
    //   error = 1 − 2/3 = 1/3
    const gt = new Uint32Array(27);
    const pred = new Uint32Array(27);
    for (let z = 0; z < 3; z++)
      for (let y = 0; y < 3; y++)
        for (let x = 0; x < 3; x++) {
          const v = (z * 3 + y) * 3 + x;
          gt[v] = z === 0 ? 1 : z === 1 ? 2 : y === 0 ? 0 : 3;
          pred[v] = z < 2 || y === 0 ? 5 : y === 1 ? 7 : 8;
        }
    const r = adaptedRandError(pred, gt);
    expect(r.precision).toBeCloseTo(10 / 19, 12);
    expect(r.recall).toBeCloseTo(10 / 11, 12);
    expect(r.error).toBeCloseTo(1 / 3, 12);
    // What the prediction says where the ground truth is 0 does not matter.
    pred[0 + 18] = 42;
    expect(adaptedRandError(pred, gt).error).toBeCloseTo(1 / 3, 12);
  });

  it("predicted 0 follows the challenge script's c/n terms", () => {
    // gt = [1,1,2,0], pred = [0,5,5,9]; n = 4, labelled voxels 0..2.
    //   t = (2, 1) → sumA = 5;  c = 1 (voxel 0);  s_5 = 2 → sumB = 4 + 1/4;  p(1,5) = p(2,5) = 1 → sumAB = 2 + 1/4
    //   P = 2.25/4.25 = 9/17, R = 2.25/5 = 9/20, F = 2·(81/340)/(333/340) = 18/37, error = 19/37
    const r = adaptedRandError(Uint32Array.from([0, 5, 5, 9]), Uint32Array.from([1, 1, 2, 0]));
    expect(r.error).toBeCloseTo(19 / 37, 12);
  });

  it('matches brute-force pair counting on random volumes (no predicted 0)', () => {
    const rng = createRng(5);
    for (let trial = 0; trial < 5; trial++) {
      const n = 60;
      const gt = Uint32Array.from({ length: n }, () => rng.int(5));
      const pred = Uint32Array.from({ length: n }, () => 1 + rng.int(6));
      expect(adaptedRandError(pred, gt).error).toBeCloseTo(pairCounting(pred, gt), 12);
    }
  });

  it('refuses unequal lengths and an all-zero ground truth', () => {
    expect(() => adaptedRandError(new Uint32Array(2), new Uint32Array(3))).toThrow(
      /2 voxels, ground truth 3/,
    );
    expect(() => adaptedRandError(new Uint32Array(2), new Uint32Array(2))).toThrow(/no labelled/);
  });
});
