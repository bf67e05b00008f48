/**
 * Achieved memory bandwidth of every CPU op, JavaScript vs native (C), at real layer shapes of the networks
 * at the default patch 64×128×128, batch 1: the baseline's first level [1,24,64,128,128] and the scaled
 * net's second level [1,64,32,32,32] (channels from @unet3d/model's presets; baseline 24,32,48,72,104,
 * scaled 24,64,192,192,192 with a (1,2,2)-strided embedding). Per op: the fewest bytes it must move
 * (@unet3d/flops' cost functions where they exist, else counted here: every operand read or written once),
 * the median time of the JavaScript op and of the native op, the native op's achieved GB/s, and its time ÷
 * the floor (fewest bytes ÷ the measured copy bandwidth of measureCpuProfile). Goal: ≤ 2 for every op.
 *
 * Run: node --conditions=@unet3d/source --import tsx packages/cpu/scripts/op-bandwidth.ts [reps] [--quick]
 */
import { performance } from 'node:perf_hooks';
import type { Shape, Tensor } from '@unet3d/core';
import { measureCpuProfile } from '@unet3d/native';
// Relative import: @unet3d/flops depends on @unet3d/model, whose tests depend on @unet3d/cpu; declaring
// flops as a dependency of cpu would close a package cycle, so this script reads its source directly.
import {
  batchNormCost,
  biasAddCost,
  eluCost,
  maxPoolCost,
  type PassCost,
  residualAddCost,
  sigmoidBceCost,
  upsampleTrilinearCost,
} from '../../flops/src/index.js';
import { CpuDevice, CpuTensor } from '../src/index.js';

const args = process.argv.slice(2);
const reps = Number(args.find((a) => /^\d+$/.test(a)) ?? 3);
const quick = args.includes('--quick');
const SHAPES: { label: string; shape: Shape }[] = quick
  ? [{ label: 'scaled L1', shape: [1, 64, 32, 32, 32] }]
  : [
      { label: 'baseline L0', shape: [1, 24, 64, 128, 128] },
      { label: 'scaled L1', shape: [1, 64, 32, 32, 32] },
    ];

const profile = await measureCpuProfile();
const copy = profile.bandwidthBytesPerSec.copy;
const nat = new CpuDevice({ native: 'on' });
const js = new CpuDevice({ native: 'off' });
console.log(
  `${profile.features.modelName}, ${profile.threads} threads; measured copy ${(copy / 1e9).toFixed(1)} GB/s, ` +
    `fp32 peak ${(profile.peakFp32FlopsPerSec / 1e9).toFixed(0)} GFLOP/s; ops: ${nat.describe().ops}`,
);
console.log(
  'median of',
  reps,
  'runs after one warm-up (JavaScript: of',
  Math.min(reps, 2),
  'runs); machine shared with other work\n',
);
console.log('| shape | op | MB moved | JS ms | native ms | JS ÷ native | native GB/s | native ÷ floor |');
console.log('|---|---|---:|---:|---:|---:|---:|---:|');

const bytes = (p: PassCost | PassCost[]): number =>
  ([] as PassCost[]).concat(p).reduce((s, q) => s + 4 * (q.readElements + q.writeElements), 0);
const release = (d: CpuDevice, r: unknown): void => {
  if (r instanceof CpuTensor) d.free(r);
  else if (r && typeof r === 'object') for (const v of Object.values(r)) release(d, v);
};
const median = (v: number[]): number => v.sort((a, b) => a - b)[Math.floor(v.length / 2)]!;
function time(d: CpuDevice, fn: () => unknown, n: number): number {
  release(d, fn());
  const t: number[] = [];
  for (let r = 0; r < n; r++) {
    const t0 = performance.now();
    const out = fn();
    t.push(performance.now() - t0);
    release(d, out);
  }
  return median(t);
}
function rand(n: number, lo = -2, hi = 2): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = lo + (hi - lo) * Math.random();
  return a;
}

for (const { label, shape } of SHAPES) {
  const n = shape.reduce((a, b) => a * b, 1);
  const C = shape[1]!;
  const half: Shape = [shape[0]!, C, shape[2]! / 2, shape[3]! / 2, shape[4]! / 2];
  const mk = (d: CpuDevice) => {
    const t = (data: Float32Array, s: Shape): Tensor => d.upload(data, s);
    const x = t(rand(n), shape);
    const w = t(rand(n), shape);
    const r = t(rand(n), shape);
    const g = t(rand(C, 0.5, 1.5), [C]);
    const b = t(rand(C), [C]);
    const rm = d.zeros([C]);
    const rv = d.zeros([C]);
    const small = t(rand(n / 8), half);
    const target = t(
      rand(n, 0, 1).map((v) => (v > 0.5 ? 1 : 0)),
      shape,
    );
    const mask = t(
      rand(n, 0, 1).map((v) => (v > 0.1 ? 1 : 0)),
      shape,
    );
    const m = d.zeros(shape);
    const v = d.zeros(shape);
    const bn = d.ops.batchNormTrain(x, g, b, rm, rv, { momentum: 0.1, eps: 1e-5 });
    const y = d.ops.elu(x, 1);
    const pool = d.ops.maxPool2x(x);
    return { x, w, r, g, b, rm, rv, small, target, mask, m, v, bn, y, pool };
  };
  const N = mk(nat);
  const J = mk(js);
  type T = ReturnType<typeof mk>;
  const bnOpts = { momentum: 0.1, eps: 1e-5 };
  const adam = { lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, step: 1 };
  const bnCost = batchNormCost(n, C);
  const el = (k: number) => ({ macs: 0, flop: 0, readElements: k * n, writeElements: 0 });
  const cases: [string, number, (d: CpuDevice, t: T) => unknown][] = [
    [
      'batchNormTrain',
      bytes(bnCost.forward),
      (d, t) => d.ops.batchNormTrain(t.x, t.g, t.b, t.rm, t.rv, bnOpts),
    ],
    [
      'batchNormBackward',
      bytes([bnCost.backwardData, bnCost.backwardFilter]),
      (d, t) => d.ops.batchNormBackward(t.w, t.x, t.g, t.bn.saved),
    ],
    ['elu', bytes(eluCost(n).forward), (d, t) => d.ops.elu(t.x, 1)],
    ['eluBackward', bytes(eluCost(n).backwardData), (d, t) => d.ops.eluBackward(t.w, t.y, 1)],
    ['add', bytes(residualAddCost(n).forward), (d, t) => d.ops.add(t.x, t.w)],
    ['addInto', bytes(residualAddCost(n).forward), (d, t) => d.ops.addInto(t.m, t.w)],
    ['biasAddInto', bytes(biasAddCost(n, C).forward), (d, t) => d.ops.biasAddInto(t.m, t.b)],
    ['biasGrad', bytes(biasAddCost(n, C).backwardFilter), (d, t) => d.ops.biasGrad(t.w)],
    ['maxPool2x', bytes(maxPoolCost(n / 8).forward), (d, t) => d.ops.maxPool2x(t.x)],
    [
      'maxPool2xBackward',
      bytes(maxPoolCost(n / 8).backwardData),
      (d, t) => d.ops.maxPool2xBackward(t.pool.y, t.pool.argmax, shape),
    ],
    [
      'upsampleTrilinear2x',
      bytes(upsampleTrilinearCost(n).forward),
      (d, t) => d.ops.upsampleTrilinear2x(t.small),
    ],
    [
      'upsampleTrilinear2xBackward',
      bytes(upsampleTrilinearCost(n).backwardData),
      (d, t) => d.ops.upsampleTrilinear2xBackward(t.w, half),
    ],
    [
      'sigmoidBce (loss + grad)',
      bytes(sigmoidBceCost(n).backwardData),
      (d, t) => d.ops.sigmoidBce(t.x, t.target, t.mask),
    ],
    // Adam: p, g, m, v read; p, m, v written.
    ['adamStepInto', bytes(el(7)), (d, t) => d.ops.adamStepInto(t.x, t.w, t.m, t.v, adam)],
    // Fused: x read twice (statistics, then normalise), y written; with a residual x and r read and z written,
    // then z read and y written. Backward: dy, y, z read for the sums, then again, dz written.
    [
      'fused bias→BN→ELU',
      bytes(el(3)),
      (d, t) =>
        d.fused
          ? d.fused.biasBatchNormEluTrain(
              t.x,
              { gamma: t.g, beta: t.b, runningMean: t.rm, runningVar: t.rv },
              { ...bnOpts, alpha: 1 },
            ).y
          : chainForward(d, t, false),
    ],
    [
      'fused (+residual)→BN→ELU',
      bytes(el(5)),
      (d, t) =>
        d.fused
          ? (({ y, z }) => [y, z])(
              d.fused.biasBatchNormEluTrain(
                t.x,
                { gamma: t.g, beta: t.b, runningMean: t.rm, runningVar: t.rv, residual: t.r },
                { ...bnOpts, alpha: 1 },
              ),
            )
          : chainForward(d, t, true),
    ],
    [
      'fused BN→ELU backward',
      bytes(el(7)),
      (d, t) =>
        d.fused
          ? d.fused.batchNormEluBackward(t.w, t.y, t.x, t.g, t.bn.saved, 1)
          : ((g) => [g, d.ops.batchNormBackward(g, t.x, t.g, t.bn.saved)])(d.ops.eluBackward(t.w, t.y, 1)),
    ],
  ];
  for (const [name, floorBytes, fn] of cases) {
    const tj = time(js, () => fn(js, J), Math.min(reps, 2));
    const tn = time(nat, () => fn(nat, N), reps);
    const floorMs = (floorBytes / copy) * 1e3;
    console.log(
      `| ${label} ${shape.join('×')} | ${name} | ${(floorBytes / 1e6).toFixed(0)} | ${tj.toFixed(1)} | ${tn.toFixed(2)} | ` +
        `${(tj / tn).toFixed(1)} | ${(floorBytes / tn / 1e6).toFixed(1)} | ${(tn / floorMs).toFixed(2)} |`,
    );
  }
  for (const t of [...Object.values(N), ...Object.values(J)]) release(nat, t);
}

/** The unfused JavaScript chain the fused op replaces (add →) batch norm → ELU, for the JS column. */
function chainForward(
  d: CpuDevice,
  t: { x: Tensor; r: Tensor; g: Tensor; b: Tensor; rm: Tensor; rv: Tensor },
  residual: boolean,
): unknown {
  const z = residual ? d.ops.add(t.x, t.r) : t.x;
  const bn = d.ops.batchNormTrain(z, t.g, t.b, t.rm, t.rv, { momentum: 0.1, eps: 1e-5 });
  const y = d.ops.elu(bn.y, 1);
  return [y, bn, residual ? z : undefined];
}
