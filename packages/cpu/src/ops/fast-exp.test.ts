import { describe, expect, it } from 'vitest';
import { CpuDevice } from '../cpu-device.js';
import { dev64 } from './grad-check.test-helpers.js';

/**
 * The float32 fast paths (table exp, log(1 + e)) against the float64 Math.expm1/exp/log1p paths, over every
 * range they treat differently: |x| ≤ 40 (tables), |x| > 40, ±Infinity, NaN, ±0 and tiny values.
 */
describe('float32 fast exp paths', () => {
  const values: number[] = [0, -0, 1e-30, -1e-30, 1e-8, -1e-8, 40, -40, 40.5, -40.5, 88, -88, 1e4, -1e4];
  for (let i = 0; i <= 4000; i++) values.push(Math.fround(-45 + (90 * i) / 4000));
  for (let i = 0; i < 200; i++) values.push(Math.fround(-0.02 + (0.04 * i) / 200));
  const finite = values.length;
  values.push(Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, Number.NaN);
  const n = values.length;
  const shape = [1, 1, 1, 1, n];
  const f32 = new CpuDevice({ native: 'off' });
  const f64 = dev64();
  const x32 = f32.upload(Float64Array.from(values), shape);
  const x64 = f64.upload(Float64Array.from(values), shape);

  /** float32 result equals the float64 one rounded to float32, within 1 ulp (or both NaN / equal infinities). */
  const expectUlp = (a: ArrayLike<number>, b: ArrayLike<number>) => {
    for (let i = 0; i < n; i++) {
      const want = Math.fround(b[i]!);
      const got = a[i]!;
      if (Number.isNaN(want) || !Number.isFinite(want)) {
        expect(Object.is(got, want) || (got === want && want !== 0)).toBe(true);
        continue;
      }
      const ulp = Math.max(Math.abs(want) * 2 ** -23, 2 ** -149);
      if (Math.abs(got - want) > ulp)
        throw new Error(`at x = ${values[i]}: float32 ${got} vs float64 ${b[i]}`);
    }
  };

  it('ELU', () => {
    for (const alpha of [1, 0.7])
      expectUlp(f32.download(f32.ops.elu(x32, alpha)), f64.download(f64.ops.elu(x64, alpha)));
  });

  it('sigmoid BCE: loss and gradient, soft and hard targets, partial mask', () => {
    const t = Float64Array.from(values, (_, i) => [0, 1, 0.25][i % 3]!);
    const m = Float64Array.from(values, (_, i) => (i % 7 === 3 ? 0 : 1));
    const finiteShape = [1, 1, 1, 1, finite];
    const xs = Float64Array.from(values.slice(0, finite));
    const a = f32.ops.sigmoidBce(
      f32.upload(xs, finiteShape),
      f32.upload(t.slice(0, finite), finiteShape),
      f32.upload(m.slice(0, finite), finiteShape),
    );
    const b = f64.ops.sigmoidBce(
      f64.upload(xs, finiteShape),
      f64.upload(t.slice(0, finite), finiteShape),
      f64.upload(m.slice(0, finite), finiteShape),
    );
    expect(Math.abs(a.loss - b.loss)).toBeLessThan(1e-12 * b.loss);
    const ga = f32.download(a.dlogits);
    const gb = f64.download(b.dlogits);
    for (let i = 0; i < finite; i++) {
      const want = Math.fround(gb[i]!);
      if (Math.abs(ga[i]! - want) > Math.abs(want) * 2 ** -23)
        throw new Error(`at x = ${values[i]}: float32 ${ga[i]} vs float64 ${gb[i]}`);
    }
    // Non-finite logits take the exact path: the loss is not finite, as in float64 mode.
    const c = f32.ops.sigmoidBce(x32, f32.upload(t, shape), f32.upload(m, shape));
    const d = f64.ops.sigmoidBce(x64, f64.upload(t, shape), f64.upload(m, shape));
    expect(Object.is(c.loss, d.loss)).toBe(true);
  });
});
