import { execFileSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import type { DeviceOps, Shape, Tensor } from '@unet3d/core';
import { seededRng } from '@unet3d/core';
import { CompileError, findCompiler } from '@unet3d/native';
import { afterEach, describe, expect, it } from 'vitest';
import { CpuDevice } from '../cpu-device.js';
import { asCpu, type CpuTensor } from '../cpu-tensor.js';
import { loadCpuKernels } from './cpu-kernels.js';
import { CPU_KERNELS_SOURCE } from './cpu-kernels-source.js';

/**
 * Every native op and fused chain against the JavaScript op (the oracle) on random float32 inputs: equal to
 * a relative 1e-5 of the value (or of the tensor's RMS, where sums cancel), NaN where the oracle has NaN.
 */
const nat = new CpuDevice({ native: 'on' });
const js = new CpuDevice({ native: 'off' });

function expectClose(actual: Tensor | number, expected: Tensor | number, what: string, rel = 1e-5): void {
  const a = typeof actual === 'number' ? [actual] : asCpu(actual).data;
  const e = typeof expected === 'number' ? [expected] : asCpu(expected).data;
  expect(a.length, what).toBe(e.length);
  let ss = 0;
  for (let i = 0; i < e.length; i++) ss += e[i]! * e[i]!;
  const rms = Math.sqrt(ss / Math.max(1, e.length));
  let worst = 0;
  let at = -1;
  for (let i = 0; i < e.length; i++) {
    const err = Math.abs(a[i]! - e[i]!) / Math.max(Math.abs(e[i]!), rms, 1e-30);
    if (Number.isNaN(e[i]!) !== Number.isNaN(a[i]!) || err > worst) {
      worst = Number.isNaN(e[i]!) !== Number.isNaN(a[i]!) ? Number.POSITIVE_INFINITY : err;
      at = i;
    }
  }
  expect(worst, `${what}: worst relative error at ${at}: ${a[at]} vs ${e[at]}`).toBeLessThanOrEqual(rel);
}

function randomData(seed: number, n: number, lo = -2, hi = 2): Float32Array {
  const next = seededRng(seed).next;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = lo + (hi - lo) * next();
  return out;
}

/** The same values on both devices. */
function pair(seed: number, shape: Shape, lo = -2, hi = 2): [CpuTensor, CpuTensor] {
  const n = shape.reduce((p, q) => p * q, 1);
  const data = randomData(seed, n, lo, hi);
  return [nat.upload(data, shape), js.upload(data, shape)];
}

// Small (serial paths), one above the parallel threshold with several reduction blocks, odd in-plane sizes.
const SHAPES: Shape[] = [
  [2, 3, 4, 6, 10],
  [2, 3, 32, 32, 32],
  [1, 2, 3, 5, 7],
];

describe('native CPU ops match the JavaScript ops (float32)', () => {
  it('reports native ops in describe(), with the threads they use and whether the load guard is on', () => {
    const d = nat.describe();
    const cc = findCompiler();
    expect(String(d.ops)).toContain(`native (${cc.family} ${cc.version}, -O3 -march=native`);
    expect(d.threads).toBe(nat.native!.threads);
    // The C side reads UNET3D_CPU_LOAD_GUARD once per process; this process left it as the environment gave it.
    const guard = process.env.UNET3D_CPU_LOAD_GUARD?.startsWith('0') ? 'off' : 'on';
    expect(d.loadGuard).toBe(guard);
    expect(d.ops).toContain(`load guard ${guard}`);
    expect(js.describe()).toMatchObject({ ops: 'javascript (native ops off)', threads: 1 });
    expect(js.describe().loadGuard).toBeUndefined();
  });

  it('turns the load guard off with UNET3D_CPU_LOAD_GUARD=0 and fixes the threads (a fresh process)', () => {
    const code =
      "import { CpuDevice } from '@unet3d/cpu'; const d = new CpuDevice({ native: 'on' }).describe();" +
      'process.stdout.write(JSON.stringify({ threads: d.threads, loadGuard: d.loadGuard, ops: d.ops }));';
    const out = execFileSync(
      process.execPath,
      ['--conditions=@unet3d/source', '--import', 'tsx', '--input-type=module', '-e', code],
      { env: { ...process.env, UNET3D_CPU_LOAD_GUARD: '0', OMP_NUM_THREADS: '3' }, encoding: 'utf8' },
    );
    const d = JSON.parse(out) as { threads: number; loadGuard: string; ops: string };
    expect(d).toMatchObject({ threads: 3, loadGuard: 'off' });
    expect(d.ops).toContain('3 threads, load guard off;');
  });

  it.each(SHAPES)('element-wise ops, bias and batch norm on %j', (...shape) => {
    const C = shape[1]!;
    const [xn, xj] = pair(1, shape);
    const [wn, wj] = pair(2, shape);
    const [gn, gj] = pair(3, [C], 0.5, 1.5);
    const [bn, bj] = pair(4, [C]);
    const opsN: DeviceOps = nat.ops;
    const opsJ: DeviceOps = js.ops;
    expectClose(opsN.add(xn, wn), opsJ.add(xj, wj), 'add');
    expectClose(opsN.elu(xn, 1), opsJ.elu(xj, 1), 'elu');
    expectClose(opsN.elu(xn, 0.7), opsJ.elu(xj, 0.7), 'elu alpha 0.7');
    const yN = opsN.elu(xn, 1);
    const yJ = opsJ.elu(xj, 1);
    expectClose(opsN.eluBackward(wn, yN, 1), opsJ.eluBackward(wj, yJ, 1), 'eluBackward');
    expectClose(opsN.biasGrad(wn), opsJ.biasGrad(wj), 'biasGrad');
    const [tn, tj] = pair(5, shape);
    opsN.addInto(tn, wn);
    opsJ.addInto(tj, wj);
    expectClose(tn, tj, 'addInto');
    opsN.biasAddInto(tn, bn);
    opsJ.biasAddInto(tj, bj);
    expectClose(tn, tj, 'biasAddInto');

    // Batch norm with an offset mean (|mean| ≫ std) so the shifted sums matter.
    const [on, oj] = pair(6, shape, 9, 11);
    const [rmn, rmj] = pair(7, [C], 0, 1);
    const [rvn, rvj] = pair(8, [C], 0.5, 2);
    const opts = { momentum: 0.1, eps: 1e-5 };
    const fN = opsN.batchNormTrain(on, gn, bn, rmn, rvn, opts);
    const fJ = opsJ.batchNormTrain(oj, gj, bj, rmj, rvj, opts);
    expectClose(fN.y, fJ.y, 'batchNormTrain y');
    expectClose(fN.saved.mean, fJ.saved.mean, 'batchNormTrain mean');
    expectClose(fN.saved.invStd, fJ.saved.invStd, 'batchNormTrain invStd');
    expectClose(rmn, rmj, 'runningMean');
    expectClose(rvn, rvj, 'runningVar');
    expectClose(
      opsN.batchNormInfer(on, gn, bn, rmn, rvn, 1e-5),
      opsJ.batchNormInfer(oj, gj, bj, rmj, rvj, 1e-5),
      'batchNormInfer',
    );
    const bN = opsN.batchNormBackward(wn, on, gn, fN.saved);
    const bJ = opsJ.batchNormBackward(wj, oj, gj, fJ.saved);
    expectClose(bN.dx, bJ.dx, 'batchNormBackward dx');
    expectClose(bN.dgamma, bJ.dgamma, 'dgamma');
    expectClose(bN.dbeta, bJ.dbeta, 'dbeta');
  });

  it.each(SHAPES)('max pool, trilinear upsampling and their backward on %j', (...shape) => {
    const [xn, xj] = pair(11, shape);
    const pN = nat.ops.maxPool2x(xn);
    const pJ = js.ops.maxPool2x(xj);
    expectClose(pN.y, pJ.y, 'maxPool2x y');
    expect([...asCpu(pN.argmax).data]).toEqual([...asCpu(pJ.argmax).data]);
    const [dn, dj] = pair(12, pN.y.shape);
    expectClose(
      nat.ops.maxPool2xBackward(dn, pN.argmax, shape),
      js.ops.maxPool2xBackward(dj, pJ.argmax, shape),
      'maxPool2xBackward',
    );
    expectClose(nat.ops.upsampleTrilinear2x(xn), js.ops.upsampleTrilinear2x(xj), 'upsample');
    const up = [shape[0]!, shape[1]!, 2 * shape[2]!, 2 * shape[3]!, 2 * shape[4]!];
    const [un, uj] = pair(13, up);
    expectClose(
      nat.ops.upsampleTrilinear2xBackward(un, shape),
      js.ops.upsampleTrilinear2xBackward(uj, shape),
      'upsample backward',
    );
  });

  // Axes of 1 and 2 values (every output of an axis reads clamped neighbours: both borders at once), and the
  // widths 4, 8 and 16 that the kernels specialise.
  it.each([
    [1, 2, 1, 1, 1],
    [1, 1, 1, 2, 3],
    [1, 1, 2, 1, 5],
    [1, 2, 3, 2, 4],
    [1, 2, 2, 3, 8],
    [1, 1, 3, 2, 16],
  ])('trilinear upsampling and its backward on the small axes %j', (...shape) => {
    const [xn, xj] = pair(14, shape);
    expectClose(nat.ops.upsampleTrilinear2x(xn), js.ops.upsampleTrilinear2x(xj), 'upsample');
    const up = [shape[0]!, shape[1]!, 2 * shape[2]!, 2 * shape[3]!, 2 * shape[4]!];
    const [un, uj] = pair(15, up);
    expectClose(
      nat.ops.upsampleTrilinear2xBackward(un, shape),
      js.ops.upsampleTrilinear2xBackward(uj, shape),
      'upsample backward',
    );
  });

  it('sigmoid + BCE at extreme and NaN logits, as the JavaScript op', () => {
    const x = new Float32Array([-1000, -100, -88, 88, 100, 1000, 0, Number.NaN]);
    const t = new Float32Array([0, 1, 0, 1, 0, 1, 1, 0]);
    const m = new Float32Array([1, 1, 1, 1, 1, 1, 1, 0]);
    const shape = [1, 1, 1, 1, 8];
    const lN = nat.ops.sigmoidBce(nat.upload(x, shape), nat.upload(t, shape), nat.upload(m, shape));
    const lJ = js.ops.sigmoidBce(js.upload(x, shape), js.upload(t, shape), js.upload(m, shape));
    expect(Number.isNaN(lN.loss)).toBe(Number.isNaN(lJ.loss));
    const dN = asCpu(lN.dlogits).data;
    const dJ = asCpu(lJ.dlogits).data;
    for (let i = 0; i < 8; i++) {
      if (Number.isNaN(dJ[i]!)) expect(dN[i], `dlogits[${i}]`).toBeNaN();
      else expect(Math.abs(dN[i]! - dJ[i]!), `dlogits[${i}]`).toBeLessThanOrEqual(1e-7);
    }
    const fin = [0, 1, 2, 3, 4, 5, 6].map((i) => x[i]!);
    const lFinN = nat.ops.sigmoidBce(
      nat.upload(new Float32Array(fin), [1, 1, 1, 1, 7]),
      nat.upload(t.slice(0, 7), [1, 1, 1, 1, 7]),
      nat.upload(m.slice(0, 7), [1, 1, 1, 1, 7]),
    );
    // By hand: Σ max(x,0) − x·t + log(1 + e^−|x|): 100 (x −100, t 1) + 100 (x 100, t 0) + log 2 (x 0); the other
    // terms are below 1e-38. Mean over the 7 masked voxels.
    expect(lFinN.loss).toBeCloseTo((200 + Math.log(2)) / 7, 6);
  });

  it('max pool propagates NaN and keeps the first of ties, as the JavaScript op', () => {
    const data = new Float32Array(16).fill(1);
    data[3] = Number.NaN;
    data[9] = 5;
    data[10] = 5;
    const shape = [1, 1, 2, 2, 4];
    const n = nat.ops.maxPool2x(nat.upload(data, shape));
    const j = js.ops.maxPool2x(js.upload(data, shape));
    expect([...asCpu(n.y).data]).toEqual([...asCpu(j.y).data]);
    expect([...asCpu(n.argmax).data]).toEqual([...asCpu(j.argmax).data]);
  });

  it.each(SHAPES)('sigmoid + BCE and Adam on %j', (...shape) => {
    const [xn, xj] = pair(21, shape, -60, 60); // beyond ±40: the JS op's exact path
    const [tn, tj] = pair(22, shape, 0, 1);
    const n = shape.reduce((p, q) => p * q, 1);
    const mask = randomData(23, n, 0, 1).map((v) => (v > 0.3 ? 1 : 0));
    const mn = nat.upload(mask, shape);
    const mj = js.upload(mask, shape);
    const lN = nat.ops.sigmoidBce(xn, tn, mn);
    const lJ = js.ops.sigmoidBce(xj, tj, mj);
    expectClose(lN.loss, lJ.loss, 'loss');
    expectClose(lN.dlogits, lJ.dlogits, 'dlogits');
    const zero = nat.ops.sigmoidBce(xn, tn, nat.zeros(shape));
    expect(zero.loss).toBe(0);
    expect(asCpu(zero.dlogits).data.every((v) => v === 0)).toBe(true);

    const [pn, pj] = pair(24, shape);
    const [gn, gj] = pair(25, shape);
    const [m1n, m1j] = pair(26, shape, -0.1, 0.1);
    const [v1n, v1j] = pair(27, shape, 0, 0.01);
    const opts = { lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, step: 3 };
    nat.ops.adamStepInto(pn, gn, m1n, v1n, opts);
    js.ops.adamStepInto(pj, gj, m1j, v1j, opts);
    expectClose(pn, pj, 'adam param');
    expectClose(m1n, m1j, 'adam m');
    expectClose(v1n, v1j, 'adam v');
  });
});

describe('native fused chains match the unfused JavaScript ops', () => {
  const fused = nat.fused!;
  it.each(SHAPES)('bias → (+ residual) → batch norm → ELU, forward and backward, on %j', (...shape) => {
    const C = shape[1]!;
    const [gn, gj] = pair(31, [C], 0.5, 1.5);
    const [bn, bj] = pair(32, [C]);
    const [biasN, biasJ] = pair(33, [C]);
    const [rN, rJ] = pair(34, shape);
    const [dyN, dyJ] = pair(35, shape);
    const opts = { momentum: 0.1, eps: 1e-5 };
    for (const variant of ['plain', 'bias', 'residual', 'bias+residual'] as const) {
      const [xn, xj] = pair(36, shape, -1, 3);
      const [rmn, rmj] = pair(37, [C], 0, 1);
      const [rvn, rvj] = pair(38, [C], 0.5, 2);
      const withBias = variant.includes('bias');
      const withRes = variant.includes('residual');
      const f = fused.biasBatchNormEluTrain(
        xn,
        {
          gamma: gn,
          beta: bn,
          runningMean: rmn,
          runningVar: rvn,
          ...(withBias ? { bias: biasN } : {}),
          ...(withRes ? { residual: rN } : {}),
        },
        { ...opts, alpha: 1 },
      );
      if (withBias) js.ops.biasAddInto(xj, biasJ);
      const zJ = withRes ? js.ops.add(xj, rJ) : xj;
      const bnJ = js.ops.batchNormTrain(zJ, gj, bj, rmj, rvj, opts);
      const yJ = js.ops.elu(bnJ.y, 1);
      expect(f.z === xn, `${variant}: z is x unless there is a residual`).toBe(!withRes);
      expectClose(f.z, zJ, `${variant} z`);
      expectClose(f.y, yJ, `${variant} y`);
      expectClose(f.saved.mean, bnJ.saved.mean, `${variant} mean`);
      expectClose(f.saved.invStd, bnJ.saved.invStd, `${variant} invStd`);
      expectClose(rmn, rmj, `${variant} runningMean`);
      expectClose(rvn, rvj, `${variant} runningVar`);

      const b = fused.batchNormEluBackward(dyN, f.y, f.z, gn, f.saved, 1);
      const gJ = js.ops.eluBackward(dyJ, yJ, 1);
      const bJ = js.ops.batchNormBackward(gJ, zJ, gj, bnJ.saved);
      expectClose(b.dz, bJ.dx, `${variant} dz`);
      expectClose(b.dgamma, bJ.dgamma, `${variant} dgamma`);
      expectClose(b.dbeta, bJ.dbeta, `${variant} dbeta`);
    }
  });

  it.each(SHAPES)('bias → ELU and its backward with the bias gradient on %j', (...shape) => {
    const C = shape[1]!;
    const [xn, xj] = pair(41, shape);
    const [bn, bj] = pair(42, [C]);
    const [dyN, dyJ] = pair(43, shape);
    const before = asCpu(xn).data.slice();
    const y = fused.biasElu(xn, bn, 1);
    expect(asCpu(xn).data).toEqual(before); // x unchanged
    js.ops.biasAddInto(xj, bj);
    const yJ = js.ops.elu(xj, 1);
    expectClose(y, yJ, 'biasElu');
    const r = fused.eluBackwardBiasGrad(dyN, y, 1);
    const dxJ = js.ops.eluBackward(dyJ, yJ, 1);
    expectClose(r.dx, dxJ, 'dx');
    expectClose(r.dbias, js.ops.biasGrad(dxJ), 'dbias');
  });

  it('adamStepAll equals adamStepInto on every parameter', () => {
    const shapes: Shape[] = [[5], [3, 4], [2, 3, 32, 32, 32], [24]];
    const sets = shapes.map((s, i) => ({
      p: pair(50 + i, s),
      g: pair(60 + i, s),
      m: pair(70 + i, s, -0.1, 0.1),
      v: pair(80 + i, s, 0, 0.01),
    }));
    const opts = { lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, step: 7 };
    fused.adamStepAll(
      sets.map((s) => s.p[0]),
      sets.map((s) => s.g[0]),
      sets.map((s) => s.m[0]),
      sets.map((s) => s.v[0]),
      opts,
    );
    for (const [i, s] of sets.entries()) {
      js.ops.adamStepInto(s.p[1], s.g[1], s.m[1], s.v[1], opts);
      expectClose(s.p[0], s.p[1], `param ${i}`);
      expectClose(s.m[0], s.m[1], `m ${i}`);
      expectClose(s.v[0], s.v[1], `v ${i}`);
    }
    expect(() => fused.adamStepAll([sets[0]!.p[0]], [], [], [], opts)).toThrow(/1 params but 0 grads/);
  });
});

describe('without a working compiler', () => {
  const saved = process.env.CC;
  afterEach(() => {
    if (saved === undefined) delete process.env.CC;
    else process.env.CC = saved;
  });

  it('CC pointing at a missing program: JavaScript ops, and describe() says why', () => {
    process.env.CC = '/nonexistent/cc';
    const d = new CpuDevice();
    expect(d.fused).toBeUndefined();
    expect(d.describe().ops).toMatch(
      /^javascript \(no C compiler: C compiler '\/nonexistent\/cc' \(from CC\) not found/,
    );
    expect(() => new CpuDevice({ native: 'on' })).toThrow(/'\/nonexistent\/cc' \(from CC\) not found/);
  });

  it('a compile error names the op (its C function) and the compiler first error line', () => {
    const broken = CPU_KERNELS_SOURCE.replace(
      'y[i] = elu1(x[i], alpha);',
      'y[i] = elu1(x[i], alpha) + missing_symbol;',
    );
    const err = (() => {
      try {
        loadCpuKernels({ source: broken });
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(CompileError);
    const line = (err as CompileError).toOneLine();
    const cc = findCompiler();
    expect(line).toContain(`building 'cpu-ops' with ${path.basename(cc.path)} ${cc.version} failed: `);
    // gcc names the enclosing function on the line before the error ("In function 'unet3d_elu'") and says
    // "'missing_symbol' undeclared"; clang names no function and says "use of undeclared identifier".
    expect(line).toMatch(
      cc.family === 'gcc'
        ? /failed: in unet3d_elu: cpu-ops\.c:\d+:\d+: error: .missing_symbol. undeclared/
        : /failed: cpu-ops\.c:\d+:\d+: error: (?:use of )?undeclared identifier .missing_symbol./,
    );
  });
});

describe('threads', () => {
  it('a device asked for 1 thread runs its parallel regions on 1 thread and gives the same results', () => {
    const one = new CpuDevice({ native: 'on', threads: 1 });
    expect(one.describe().ops).toMatch(/, 1 thread, load guard (on|off);/);
    const [xn] = pair(91, [2, 3, 32, 32, 32]);
    const x1 = one.upload(asCpu(xn).data, xn.shape);
    expectClose(
      one.ops.biasGrad(x1),
      js.ops.biasGrad(js.upload(asCpu(xn).data, xn.shape)),
      'biasGrad on 1 thread',
    );
    expect(() => new CpuDevice({ threads: 0 })).toThrow(/threads must be an integer ≥ 1/);
    new CpuDevice({ native: 'on', threads: os.availableParallelism() }); // restore for later tests
  });
});
