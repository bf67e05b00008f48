import type { Device, Shape, Tensor } from '@unet3d/core';
import { CpuDevice } from '@unet3d/cpu';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cudaAvailability } from '../availability.js';
import { CudaDevice } from './cuda-device.js';
import { ALL_KERNEL_SOURCES } from './kernels/index.js';

const gpu = cudaAvailability();
if (!gpu.available) console.warn(`[skip] CUDA device tests: no GPU here (${gpu.reason})`);

/** Deterministic pseudo-random floats in [-scale, scale). */
function rand(n: number, seed: number, scale = 1): Float32Array {
  const a = new Float32Array(n);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    a[i] = ((s >>> 0) / 2 ** 32 - 0.5) * 2 * scale;
  }
  return a;
}

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol = 1e-4): void {
  expect(actual.length).toBe(expected.length);
  let worst = 0;
  for (let i = 0; i < actual.length; i++) {
    const e = expected[i]!;
    const err = Math.abs(actual[i]! - e) / Math.max(1, Math.abs(e));
    if (!(err <= worst)) worst = err;
  }
  expect(worst).toBeLessThanOrEqual(tol);
}

describe.skipIf(!gpu.available)('CudaDevice ops match the CPU device (PyTorch semantics)', () => {
  let cuda: CudaDevice;
  const cpu = new CpuDevice();
  beforeAll(() => {
    cuda = CudaDevice.create({ kernelCacheDir: null });
  });
  afterAll(() => cuda?.dispose());

  it('compiles every kernel file with NVRTC for this GPU and loads it', () => {
    const compiled = cuda.compileKernels();
    expect(compiled.map((c) => c.name).sort()).toEqual([
      'adam.cu',
      'add.cu',
      'batch_norm.cu',
      'bias.cu',
      'elu.cu',
      'max_pool.cu',
      'sigmoid_bce.cu',
      'upsample.cu',
    ]);
    for (const p of [...ALL_KERNEL_SOURCES]) {
      for (const f of p.functions) expect(cuda.kernels.get(p).function(f).localBytes, f).toBe(0);
    }
  });

  const both = (data: Float32Array, shape: Shape): [Tensor, Tensor] => [
    cuda.upload(data, shape),
    cpu.upload(data, shape),
  ];
  const cmp = (g: Tensor, c: Tensor, tol?: number) => expectClose(cuda.download(g), cpu.download(c), tol);
  const shape: Shape = [2, 3, 5, 6, 7]; // odd sizes on purpose
  const n = 2 * 3 * 5 * 6 * 7;

  it('elu, eluBackward, add, addInto', () => {
    const [xg, xc] = both(rand(n, 1, 3), shape);
    const [dg, dc] = both(rand(n, 2), shape);
    const yg = cuda.ops.elu(xg, 1);
    const yc = cpu.ops.elu(xc, 1);
    cmp(yg, yc);
    cmp(cuda.ops.eluBackward(dg, yg, 1), cpu.ops.eluBackward(dc, yc, 1));
    cmp(cuda.ops.add(xg, dg), cpu.ops.add(xc, dc));
    cuda.ops.addInto(xg, dg);
    cpu.ops.addInto(xc, dc);
    cmp(xg, xc);
  });

  it('biasAddInto and biasGrad', () => {
    const [xg, xc] = both(rand(n, 3), shape);
    const [bg, bc] = both(rand(3, 4), [3]);
    cuda.ops.biasAddInto(xg, bg);
    cpu.ops.biasAddInto(xc, bc);
    cmp(xg, xc);
    cmp(cuda.ops.biasGrad(xg), cpu.ops.biasGrad(xc), 1e-5);
  });

  it('batch norm train (with running stats), infer and backward', () => {
    const [xg, xc] = both(rand(n, 5, 2), shape);
    const [gg, gc] = both(rand(3, 6), [3]);
    const [btg, btc] = both(rand(3, 7), [3]);
    const [rmg, rmc] = both(new Float32Array(3), [3]);
    const [rvg, rvc] = both(new Float32Array([1, 1, 1]), [3]);
    const opt = { momentum: 0.1, eps: 1e-5 };
    const tg = cuda.ops.batchNormTrain(xg, gg, btg, rmg, rvg, opt);
    const tc = cpu.ops.batchNormTrain(xc, gc, btc, rmc, rvc, opt);
    cmp(tg.y, tc.y);
    cmp(tg.saved.mean, tc.saved.mean);
    cmp(tg.saved.invStd, tc.saved.invStd);
    cmp(rmg, rmc);
    cmp(rvg, rvc);
    cmp(
      cuda.ops.batchNormInfer(xg, gg, btg, rmg, rvg, 1e-5),
      cpu.ops.batchNormInfer(xc, gc, btc, rmc, rvc, 1e-5),
    );
    const [dg, dc] = both(rand(n, 8), shape);
    const bg = cuda.ops.batchNormBackward(dg, xg, gg, tg.saved);
    const bc = cpu.ops.batchNormBackward(dc, xc, gc, tc.saved);
    cmp(bg.dx, bc.dx, 1e-4);
    cmp(bg.dgamma, bc.dgamma, 1e-4);
    cmp(bg.dbeta, bc.dbeta, 1e-5);
  });

  it('maxPool2x (floor mode, argmax) and its backward', () => {
    const [xg, xc] = both(rand(n, 9), shape);
    const pg = cuda.ops.maxPool2x(xg);
    const pc = cpu.ops.maxPool2x(xc);
    expect(pg.y.shape).toEqual([2, 3, 2, 3, 3]);
    cmp(pg.y, pc.y, 0);
    cmp(pg.argmax, pc.argmax, 0);
    const [dg, dc] = both(rand(pg.y.size, 10), pg.y.shape);
    cmp(cuda.ops.maxPool2xBackward(dg, pg.argmax, shape), cpu.ops.maxPool2xBackward(dc, pc.argmax, shape), 0);
  });

  it('upsampleTrilinear2x (align_corners=false) and its backward', () => {
    const [xg, xc] = both(rand(n, 11), shape);
    const ug = cuda.ops.upsampleTrilinear2x(xg);
    const uc = cpu.ops.upsampleTrilinear2x(xc);
    expect(ug.shape).toEqual([2, 3, 10, 12, 14]);
    cmp(ug, uc, 1e-5);
    const [dg, dc] = both(rand(ug.size, 12), ug.shape);
    cmp(
      cuda.ops.upsampleTrilinear2xBackward(dg, shape),
      cpu.ops.upsampleTrilinear2xBackward(dc, shape),
      1e-5,
    );
  });

  it('sigmoidBce with a mask', () => {
    const [lg, lc] = both(rand(n, 13, 6), shape);
    const t = rand(n, 14).map((v) => (v > 0 ? 1 : 0));
    const m = rand(n, 15).map((v) => (v > -0.5 ? 1 : 0));
    const [tg, tc] = both(t, shape);
    const [mg, mc] = both(m, shape);
    const g = cuda.ops.sigmoidBce(lg, tg, mg);
    const c = cpu.ops.sigmoidBce(lc, tc, mc);
    expect(Math.abs(g.loss - c.loss)).toBeLessThan(1e-5 * Math.max(1, Math.abs(c.loss)));
    cmp(g.dlogits, c.dlogits, 1e-5);
  });

  it('adamStepInto over three steps', () => {
    const k = 1000;
    const [pg, pc] = both(rand(k, 16), [k]);
    const [mg, mc] = both(new Float32Array(k), [k]);
    const [vg, vc] = both(new Float32Array(k), [k]);
    for (let step = 1; step <= 3; step++) {
      const [gg, gc] = both(rand(k, 16 + step), [k]);
      const o = { lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, step };
      cuda.ops.adamStepInto(pg, gg, mg, vg, o);
      cpu.ops.adamStepInto(pc, gc, mc, vc, o);
    }
    cmp(pg, pc, 1e-6);
    cmp(mg, mc, 1e-6);
    cmp(vg, vc, 1e-6);
  });

  it('memory: pooled, stats, measure() with events', async () => {
    const d: Device = cuda;
    const before = d.memoryStats();
    const t = d.zeros([1, 4, 8, 8, 8]);
    expect([...d.download(t)].every((v) => v === 0)).toBe(true);
    d.free(t);
    const again = d.alloc([1, 4, 8, 8, 8]);
    expect(d.memoryStats().reservedBytes).toBe(d.memoryStats().reservedBytes);
    d.free(again);
    expect(d.memoryStats().currentBytes).toBe(before.currentBytes);
    const { ms } = await d.measure(() => d.ops.elu(d.zeros([1, 8, 16, 16, 16]), 1));
    expect(ms).toBeGreaterThanOrEqual(0);
    expect(Object.keys(d.describe())).toContain('driverVersion');
  });
});
