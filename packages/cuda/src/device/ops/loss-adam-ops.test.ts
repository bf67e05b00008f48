import { describe, expect, it } from 'vitest';
import { adamScalars, BCE_MAX_BLOCKS } from './loss-adam-ops.js';

describe('adamScalars', () => {
  it('matches torch.optim.Adam bias correction', () => {
    const s = adamScalars({ lr: 1e-3, beta1: 0.9, beta2: 0.999, step: 1 });
    expect(s.stepSize).toBeCloseTo(1e-3 / 0.1, 12);
    expect(s.bc2Sqrt).toBeCloseTo(Math.sqrt(0.001), 12);
    expect(adamScalars({ lr: 1, beta1: 0.9, beta2: 0.999, step: 10 }).stepSize).toBeCloseTo(
      1 / (1 - 0.9 ** 10),
      12,
    );
    expect(() => adamScalars({ lr: 1, beta1: 0.9, beta2: 0.999, step: 0 })).toThrow(/step/);
    expect(BCE_MAX_BLOCKS).toBeLessThanOrEqual(1024);
  });
});
