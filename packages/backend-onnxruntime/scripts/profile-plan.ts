/** Profile one planned pass with onnxruntime's profiler; prints total time per op type. */
import { readdirSync, readFileSync, unlinkSync } from 'node:fs';
import { type ConvPass, convOutputShape, convSpec, convWeightShape, convWorkload, numel } from '@unet3d/core';
import * as ort from 'onnxruntime-node';
import { type Formulation, planPass } from '../src/plan.js';

const [kind, pass, formulation, chunk, mode] = process.argv.slice(2) as [
  string,
  ConvPass,
  Formulation,
  string?,
  string?,
];
const w =
  kind === '24'
    ? convWorkload([1, 24, 64, 64, 64], 24, convSpec({ kernel: 3, padding: 'same' }))
    : kind === '192'
      ? convWorkload([1, 192, 16, 32, 32], 192, convSpec({ kernel: 3, padding: 'same' }))
      : kind === 'embed'
        ? convWorkload(
            [1, 1, 64, 128, 128],
            24,
            convSpec({ kernel: [1, 5, 5], stride: [1, 2, 2], padding: [0, 2, 2] }),
          )
        : convWorkload(
            [1, 24, 64, 64, 64],
            24,
            convSpec({ kernel: [1, 2, 2], stride: [1, 2, 2], transposed: true }),
          );
const plan = planPass(w, pass, { formulation, ...(chunk ? { chunkElements: Number(chunk) } : {}) });
const session = await ort.InferenceSession.create(plan.model, {
  intraOpNumThreads: 2,
  interOpNumThreads: mode === 'parallel' ? 2 : 1,
  executionMode: mode === 'parallel' ? 'parallel' : 'sequential',
  graphOptimizationLevel: 'all',
  enableProfiling: true,
  profileFilePrefix: `/tmp/ortprof${process.pid}`,
});
const shapes = {
  forward: [w.input, convWeightShape(w)],
  backwardData: [convOutputShape(w), convWeightShape(w)],
  backwardFilter: [w.input, convOutputShape(w)],
}[pass];
const feeds: Record<string, ort.Tensor> = {};
plan.inputNames.forEach((n, i) => {
  const s = shapes[i]!;
  feeds[n] = new ort.Tensor('float32', new Float32Array(numel(s)).fill(0.5), s as number[]);
});
await session.run(feeds);
const t0 = performance.now();
await session.run(feeds);
console.log(`run ${(performance.now() - t0).toFixed(1)} ms`);
session.endProfiling();
const name = readdirSync('/tmp').find((f) => f.startsWith(`ortprof${process.pid}_`));
const file = `/tmp/${name}`;
const events = JSON.parse(readFileSync(file, 'utf8')) as {
  cat: string;
  name: string;
  dur: number;
  args?: { op_name?: string };
}[];
const perOp = new Map<string, number>();
const nodeEvents = events.filter((e) => e.cat === 'Node' && e.name.endsWith('_kernel_time'));
for (const e of nodeEvents.slice(nodeEvents.length / 2)) {
  const op = e.args?.op_name ?? '?';
  perOp.set(op, (perOp.get(op) ?? 0) + e.dur / 1000);
}
console.log(
  [...perOp]
    .sort((a, b) => b[1] - a[1])
    .map(([k, v]) => `${k} ${v.toFixed(1)} ms`)
    .join(', '),
);
unlinkSync(file);
