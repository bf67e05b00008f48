/**
 * Quick timings of every CPU op at one activation shape (default 1×24×64×64×64, float32).
 * Run: node --conditions=@unet3d/source --import tsx packages/cpu/scripts/time-ops.ts [N C D H W] [reps]
 */
import { performance } from 'node:perf_hooks';
import { CpuDevice, CpuTensor } from '../src/index.js';

const args = process.argv.slice(2).map(Number);
const shape = args.length >= 5 ? args.slice(0, 5) : [1, 24, 64, 64, 64];
const reps = args[5] ?? 5;
const d = new CpuDevice();
const C = shape[1]!;
const n = shape.reduce((a, b) => a * b, 1);
const rand = (len: number) => {
  const a = new Float32Array(len);
  for (let i = 0; i < len; i++) a[i] = Math.random() * 2 - 1;
  return a;
};
const x = d.upload(rand(n), shape);
const w = d.upload(rand(n), shape);
const target = d.upload(
  rand(n).map((v) => (v > 0 ? 1 : 0)),
  shape,
);
const mask = d.upload(
  rand(n).map((v) => (v > -0.8 ? 1 : 0)),
  shape,
);
const g = d.upload(
  rand(C).map((v) => 1 + v / 2),
  [C],
);
const b = d.upload(rand(C), [C]);
const rm = d.zeros([C]);
const rv = d.zeros([C]);
const opts = { momentum: 0.1, eps: 1e-5 };
const bn = d.ops.batchNormTrain(x, g, b, rm, rv, opts);
const y = d.ops.elu(x, 1);
const pool = d.ops.maxPool2x(x);
const half = [shape[0]!, C, shape[2]! / 2, shape[3]! / 2, shape[4]! / 2];
const small = d.upload(rand(n / 8), half);
const m = d.zeros(shape);
const v = d.zeros(shape);

const cases: [string, () => unknown][] = [
  ['batchNormTrain', () => d.ops.batchNormTrain(x, g, b, rm, rv, opts)],
  ['batchNormInfer', () => d.ops.batchNormInfer(x, g, b, rm, rv, 1e-5)],
  ['batchNormBackward', () => d.ops.batchNormBackward(w, x, g, bn.saved)],
  ['elu', () => d.ops.elu(x, 1)],
  ['eluBackward', () => d.ops.eluBackward(w, y, 1)],
  ['add', () => d.ops.add(x, w)],
  ['addInto', () => d.ops.addInto(m, w)],
  ['biasAddInto', () => d.ops.biasAddInto(m, b)],
  ['biasGrad', () => d.ops.biasGrad(w)],
  ['maxPool2x (in = shape)', () => d.ops.maxPool2x(x)],
  ['maxPool2xBackward', () => d.ops.maxPool2xBackward(pool.y, pool.argmax, shape)],
  ['upsampleTrilinear2x (out = shape)', () => d.ops.upsampleTrilinear2x(small)],
  ['upsampleTrilinear2xBackward', () => d.ops.upsampleTrilinear2xBackward(w, half)],
  ['sigmoidBce', () => d.ops.sigmoidBce(x, target, mask)],
  [
    'adamStepInto (param of this size)',
    () => d.ops.adamStepInto(x, w, m, v, { ...opts, lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, step: 1 }),
  ],
];
console.log(
  `shape ${shape.join('×')} (${n} elements), float32, median of ${reps} after 1 warm-up: wall ms, process CPU ms ` +
    '(robust when other work shares the cores), ns per element (CPU)',
);
/** Free every tensor an op returned, so that repeated calls reuse pooled storage as in training. */
const release = (r: unknown): void => {
  if (r instanceof CpuTensor) d.free(r);
  else if (r && typeof r === 'object') for (const v of Object.values(r)) release(v);
};
const median = (v: number[]) => v.sort((p, q) => p - q)[Math.floor(v.length / 2)]!;
for (const [name, fn] of cases) {
  release(fn());
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let r = 0; r < reps; r++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const out = fn();
    wall.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
    release(out);
  }
  const w = median(wall);
  const c = median(cpu);
  console.log(
    `${name.padEnd(36)} ${w.toFixed(1).padStart(8)} ms ${c.toFixed(1).padStart(8)} ms cpu ${((c * 1e6) / n).toFixed(2).padStart(6)} ns/el`,
  );
}
