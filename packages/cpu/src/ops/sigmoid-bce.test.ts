import { describe, expect, it } from 'vitest';
import { dataOf, dev64, expectGradient, randomValues, rng, upload } from './grad-check.test-helpers.js';

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

describe('sigmoid + BCE with logits (CPU)', () => {
  it('matches a hand-computed masked mean and gradient', () => {
    const d = dev64();
    const shape = [1, 1, 1, 2, 2];
    const logits = upload(d, [2, -1, 0.5, 3], shape);
    const target = upload(d, [1, 0, 0, 1], shape);
    const mask = upload(d, [1, 1, 1, 0], shape);
    const { loss, dlogits } = d.ops.sigmoidBce(logits, target, mask);
    // −[t·log σ(x) + (1−t)·log(1−σ(x))] over the three unmasked voxels
    const l0 = -Math.log(sigmoid(2));
    const l1 = -Math.log(1 - sigmoid(-1));
    const l2 = -Math.log(1 - sigmoid(0.5));
    expect(loss).toBeCloseTo((l0 + l1 + l2) / 3, 14);
    const g = d.download(dlogits);
    expect(g[0]).toBeCloseTo((sigmoid(2) - 1) / 3, 15);
    expect(g[1]).toBeCloseTo(sigmoid(-1) / 3, 15);
    expect(g[2]).toBeCloseTo(sigmoid(0.5) / 3, 15);
    expect(Math.abs(g[3]!)).toBe(0); // ±0: masked voxels get no gradient
  });

  it('is numerically stable for large |logits|', () => {
    const d = dev64();
    const shape = [1, 1, 1, 1, 4];
    const { loss, dlogits } = d.ops.sigmoidBce(
      upload(d, [1000, -1000, 1000, -1000], shape),
      upload(d, [0, 1, 1, 0], shape),
      upload(d, [1, 1, 1, 1], shape),
    );
    expect(loss).toBeCloseTo(500, 10); // (1000 + 1000 + 0 + 0) / 4
    expect(Array.from(d.download(dlogits))).toEqual([0.25, -0.25, 0, 0]);
  });

  it('returns loss 0 and a zero gradient when the mask is empty', () => {
    const d = dev64();
    const shape = [1, 1, 1, 1, 3];
    const { loss, dlogits } = d.ops.sigmoidBce(upload(d, [1, 2, 3], shape), d.zeros(shape), d.zeros(shape));
    expect(loss).toBe(0);
    expect(Array.from(d.download(dlogits))).toEqual([0, 0, 0]);
  });

  it('dlogits matches central differences of the loss (float64, odd shape)', () => {
    const d = dev64();
    const shape = [2, 1, 3, 4, 5];
    const next = rng(13);
    const logits = upload(d, randomValues(next, 120, -4, 4), shape);
    const target = upload(d, randomValues(next, 120, 0, 1), shape); // soft targets too
    const mask = upload(
      d,
      Array.from({ length: 120 }, () => (next() < 0.7 ? 1 : 0)),
      shape,
    );
    const { dlogits } = d.ops.sigmoidBce(logits, target, mask);
    const loss = () => d.ops.sigmoidBce(logits, target, mask).loss;
    expect(expectGradient(loss, logits.data, dataOf(dlogits))).toBeLessThan(1e-3);
  });
});
