import { ShapeError } from '@unet3d/core';
import { describe, expect, it } from 'vitest';
import { dev64, upload } from './grad-check.test-helpers.js';

describe('Adam (CPU)', () => {
  it('matches hand-computed values for two steps (PyTorch semantics, bias-corrected)', () => {
    const d = dev64();
    const p = upload(d, [1, -2], [2]);
    const m = d.zeros([2]);
    const v = d.zeros([2]);
    const base = { lr: 0.1, beta1: 0.9, beta2: 0.999, eps: 1e-8 };
    d.ops.adamStepInto(p, upload(d, [0.5, -4], [2]), m, v, { ...base, step: 1 });
    // step 1: m = 0.1g, v = 0.001g², m̂ = g, v̂ = g², p −= lr·g/(|g| + eps)
    expect(d.download(m)[0]).toBeCloseTo(0.05, 15);
    expect(d.download(v)[1]).toBeCloseTo(0.016, 15);
    expect(d.download(p)[0]).toBeCloseTo(1 - (0.1 * 0.5) / (0.5 + 1e-8), 15);
    expect(d.download(p)[1]).toBeCloseTo(-2 + (0.1 * 4) / (4 + 1e-8), 15);
    // step 2 with g = 1 on element 0: m = 0.045 + 0.1 = 0.145, v = 0.00024975 + 0.001 = 0.00124975
    d.ops.adamStepInto(p, upload(d, [1, 0], [2]), m, v, { ...base, step: 2 });
    const mhat = 0.145 / (1 - 0.81);
    const vhat = 0.00124975 / (1 - 0.998001);
    const p1 = 1 - (0.1 * 0.5) / (0.5 + 1e-8);
    expect(d.download(m)[0]).toBeCloseTo(0.145, 15);
    expect(d.download(v)[0]).toBeCloseTo(0.00124975, 15);
    expect(d.download(p)[0]).toBeCloseTo(p1 - (0.1 * mhat) / (Math.sqrt(vhat) + 1e-8), 12);
  });

  it('rejects mismatched moment shapes and a step below 1', () => {
    const d = dev64();
    const p = d.zeros([3]);
    const opts = { lr: 0.1, beta1: 0.9, beta2: 0.999, eps: 1e-8, step: 1 };
    expect(() => d.ops.adamStepInto(p, d.zeros([3]), d.zeros([2]), d.zeros([3]), opts)).toThrow(ShapeError);
    expect(() =>
      d.ops.adamStepInto(p, d.zeros([3]), d.zeros([3]), d.zeros([3]), { ...opts, step: 0 }),
    ).toThrow(RangeError);
  });
});
