/**
 * Measure the formulations of each pass at the networks' real workload sizes (one process, 2 threads by
 * default). Usage (from the repo root):
 *   node --conditions=@unet3d/source --import tsx packages/backend-onnxruntime/scripts/measure-formulations.ts [filter]
 * Prints GFLOP/s (1 MAC = 2 FLOP): best and median of the timed runs, after one warm-up run.
 */
import {
  type ConvPass,
  type ConvWorkload,
  convOutputShape,
  convSpec,
  convWeightShape,
  convWorkload,
  numel,
  seededRng,
} from '@unet3d/core';
import { randomFloat32 } from '@unet3d/core/testing';
import { CpuDevice } from '@unet3d/cpu';
import { geometryOf, macs } from '../src/geometry.js';
import { OrtConvBackend } from '../src/ort-backend.js';
import type { Formulation } from '../src/plan.js';

interface Case {
  name: string;
  workload: ConvWorkload;
  pass: ConvPass;
  formulation: Formulation;
  chunkElements?: number;
}

const c3 = (c: number, s: number[]) =>
  convWorkload([1, c, s[0]!, s[1]!, s[2]!], c, convSpec({ kernel: 3, padding: 'same' }));
const w24 = c3(24, [64, 64, 64]);
const w192 = c3(192, [16, 32, 32]);
const embed = convWorkload(
  [1, 1, 64, 128, 128],
  24,
  convSpec({ kernel: [1, 5, 5], stride: [1, 2, 2], padding: [0, 2, 2] }),
);
const head = convWorkload(
  [1, 24, 64, 64, 64],
  24,
  convSpec({ kernel: [1, 2, 2], stride: [1, 2, 2], transposed: true }),
);

const cases: Case[] = [];
for (const [name, w] of [
  ['3x3x3 24→24 @64³', w24],
  ['3x3x3 192→192 @16×32×32', w192],
] as const) {
  cases.push({ name, workload: w, pass: 'forward', formulation: 'conv' });
  cases.push({ name, workload: w, pass: 'backwardData', formulation: 'polyphase-conv' });
  cases.push({ name, workload: w, pass: 'backwardData', formulation: 'conv-transpose' });
  for (const chunk of [1 << 22, 1 << 24])
    cases.push({
      name,
      workload: w,
      pass: 'backwardFilter',
      formulation: 'im2col-gemm',
      chunkElements: chunk,
    });
  for (const chunk of [1 << 24, 1 << 30])
    cases.push({ name, workload: w, pass: 'backwardFilter', formulation: 'tap-gemm', chunkElements: chunk });
  cases.push({ name, workload: w, pass: 'backwardFilter', formulation: 'conv-transposed' });
}
{
  const name = 'embed 1x5x5 s122 1→24 @64×128×128';
  cases.push({ name, workload: embed, pass: 'forward', formulation: 'conv' });
  cases.push({ name, workload: embed, pass: 'backwardData', formulation: 'polyphase-conv' });
  cases.push({ name, workload: embed, pass: 'backwardData', formulation: 'conv-transpose' });
  cases.push({ name, workload: embed, pass: 'backwardFilter', formulation: 'im2col-gemm' });
  cases.push({
    name,
    workload: embed,
    pass: 'backwardFilter',
    formulation: 'tap-gemm',
    chunkElements: 1 << 30,
  });
  cases.push({ name, workload: embed, pass: 'backwardFilter', formulation: 'conv-transposed' });
}
{
  const name = 'head convT k=s=1x2x2 24→24 @64³';
  cases.push({ name, workload: head, pass: 'forward', formulation: 'pixel-shuffle' });
  cases.push({ name, workload: head, pass: 'forward', formulation: 'patchify-matmul' });
  cases.push({ name, workload: head, pass: 'forward', formulation: 'polyphase-conv' });
  cases.push({ name, workload: head, pass: 'forward', formulation: 'conv-transpose' });
  cases.push({ name, workload: head, pass: 'backwardData', formulation: 'pixel-shuffle' });
  cases.push({ name, workload: head, pass: 'backwardData', formulation: 'patchify-matmul' });
  cases.push({ name, workload: head, pass: 'backwardData', formulation: 'conv' });
  cases.push({ name, workload: head, pass: 'backwardFilter', formulation: 'pixel-shuffle' });
  cases.push({ name, workload: head, pass: 'backwardFilter', formulation: 'patchify-matmul' });
  cases.push({ name, workload: head, pass: 'backwardFilter', formulation: 'im2col-gemm' });
  cases.push({ name, workload: head, pass: 'backwardFilter', formulation: 'conv-transposed' });
}

const filter = process.argv[2] ?? '';
const reps = Number(process.env.REPS ?? 5);
const threads = Number(process.env.THREADS ?? 2);
const device = new CpuDevice();
const rng = seededRng(1);
const label = (c: Case) =>
  `${c.name} | ${c.pass} | ${c.formulation}${c.chunkElements ? ` chunk=${c.chunkElements}` : ''}`;
// Candidates of one (workload, pass) run interleaved, round after round, so that load from other
// processes on the machine affects them alike; best and median over the rounds.
const groups = new Map<string, Case[]>();
for (const c of cases.filter((c) => label(c).includes(filter))) {
  const key = `${c.name} | ${c.pass}`;
  groups.set(key, [...(groups.get(key) ?? []), c]);
}
for (const group of groups.values()) {
  const { workload: w, pass } = group[0]!;
  const shapes = {
    forward: [w.input, convWeightShape(w)],
    backwardData: [convOutputShape(w), convWeightShape(w)],
    backwardFilter: [w.input, convOutputShape(w)],
  }[pass];
  const [a, b] = shapes.map((s) => device.upload(randomFloat32(rng, numel(s)), s));
  const runners = [];
  for (const c of group) {
    const backend = await OrtConvBackend.create({
      device,
      mathMode: 'fp32',
      intraOpNumThreads: threads,
      formulations: { [pass]: c.formulation },
      ...(c.chunkElements ? { chunkElements: c.chunkElements } : {}),
    });
    const run = () =>
      pass === 'forward'
        ? backend.forward(w, a!, b!)
        : pass === 'backwardData'
          ? backend.backwardData(w, a!, b!)
          : backend.backwardFilter(w, a!, b!);
    await backend.prepare(w, [pass]);
    device.free(await run());
    runners.push({ c, backend, run, times: [] as number[] });
  }
  for (let i = 0; i < reps; i++) {
    for (const r of runners) {
      const { value, ms } = await device.measure(r.run);
      device.free(value);
      r.times.push(ms);
    }
  }
  const flop = 2 * macs(geometryOf(w));
  const gf = (ms: number) => (flop / (ms * 1e6)).toFixed(1);
  for (const r of runners) {
    const t = r.times.sort((x, y) => x - y);
    console.log(
      `${label(r.c)} | best ${t[0]!.toFixed(1)} ms ${gf(t[0]!)} GFLOP/s | median ${gf(t[Math.floor(reps / 2)]!)} GFLOP/s`,
    );
    await r.backend.dispose();
  }
  device.free(a!);
  device.free(b!);
}
