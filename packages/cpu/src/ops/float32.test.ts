import type { Tensor } from '@unet3d/core';
import { describe, expect, it } from 'vitest';
import { CpuDevice } from '../cpu-device.js';
import { dev64, randomValues, rng } from './grad-check.test-helpers.js';

/**
 * Every op in the default float32 mode, on the same (float32-exact) inputs as in float64 mode: outputs
 * are Float32Array and agree with the float64 results to float32 accuracy.
 */
describe('float32 mode (CPU)', () => {
  const f32 = new CpuDevice({ native: 'off' });
  const f64 = dev64();
  const shape = [2, 3, 3, 4, 6] as const;
  const n = 432;
  const next = rng(99);
  const xv = randomValues(next, n, -2, 2);
  const wv = randomValues(next, n);
  const on = (d: CpuDevice, v: Float64Array, s: readonly number[] = shape) => d.upload(v, s);
  const vec = (v: number[]) => Float64Array.from(v);

  const same = (a: Tensor, b: Tensor, tol = 1e-5) => {
    const x = f32.download(a);
    const y = f64.download(b);
    expect(x).toBeInstanceOf(Float32Array);
    expect(y).toBeInstanceOf(Float64Array);
    expect(x.length).toBe(y.length);
    let scale = 1e-30;
    for (let i = 0; i < y.length; i++) scale = Math.max(scale, Math.abs(y[i]!));
    for (let i = 0; i < y.length; i++) {
      if (Math.abs(x[i]! - y[i]!) > tol * scale)
        throw new Error(`at ${i}: float32 ${x[i]} vs float64 ${y[i]}`);
    }
  };

  it('batch norm train / infer / backward', () => {
    const g = vec([1.5, 0.5, -1]);
    const b = vec([0.1, 0.2, 0.3]);
    const run = (d: CpuDevice) => {
      const rm = on(d, vec([0, 0, 0]), [3]);
      const rv = on(d, vec([1, 1, 1]), [3]);
      const x = on(d, xv);
      const fw = d.ops.batchNormTrain(x, on(d, g, [3]), on(d, b, [3]), rm, rv, { momentum: 0.1, eps: 1e-5 });
      const inf = d.ops.batchNormInfer(x, on(d, g, [3]), on(d, b, [3]), rm, rv, 1e-5);
      const bw = d.ops.batchNormBackward(on(d, wv), x, on(d, g, [3]), fw.saved);
      return [fw.y, rm, rv, inf, bw.dx, bw.dgamma, bw.dbeta] as const;
    };
    const a = run(f32);
    const b64 = run(f64);
    for (let i = 0; i < a.length; i++) same(a[i]!, b64[i]!, 1e-4);
  });

  it('ELU, add, addInto, bias', () => {
    const run = (d: CpuDevice) => {
      const y = d.ops.elu(on(d, xv), 1);
      const dx = d.ops.eluBackward(on(d, wv), y, 1);
      const s = d.ops.add(y, dx);
      d.ops.addInto(s, on(d, wv));
      d.ops.biasAddInto(s, on(d, vec([1, -2, 3]), [3]));
      return [y, dx, s, d.ops.biasGrad(s)] as const;
    };
    const a = run(f32);
    const b = run(f64);
    for (let i = 0; i < a.length; i++) same(a[i]!, b[i]!);
  });

  it('max pool and upsampling, forward and backward', () => {
    const run = (d: CpuDevice) => {
      const { y, argmax } = d.ops.maxPool2x(on(d, xv));
      const dx = d.ops.maxPool2xBackward(y, argmax, shape);
      const up = d.ops.upsampleTrilinear2x(y);
      const back = d.ops.upsampleTrilinear2xBackward(up, y.shape);
      return [y, argmax, dx, up, back] as const;
    };
    const a = run(f32);
    const b = run(f64);
    for (let i = 0; i < a.length; i++) same(a[i]!, b[i]!);
  });

  it('sigmoid BCE and Adam', () => {
    const target = randomValues(next, n, 0, 1);
    const mask = Float64Array.from(target, (t) => (t < 0.8 ? 1 : 0));
    const run = (d: CpuDevice) => {
      const r = d.ops.sigmoidBce(on(d, xv), on(d, target), on(d, mask));
      const p = on(d, xv);
      const m = d.zeros(shape);
      const v = d.zeros(shape);
      for (let step = 1; step <= 3; step++)
        d.ops.adamStepInto(p, r.dlogits, m, v, { lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, step });
      return { loss: r.loss, tensors: [r.dlogits, p, m, v] as const };
    };
    const a = run(f32);
    const b = run(f64);
    expect(a.loss).toBeCloseTo(b.loss, 6);
    for (let i = 0; i < a.tensors.length; i++) same(a.tensors[i]!, b.tensors[i]!, 1e-4);
  });
});
