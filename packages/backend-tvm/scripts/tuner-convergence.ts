/**
 * Does the cost model earn its keep on real measurements? On three workloads of a network (real CPU
 * kernels, measured in the worker process), the model-guided tuner gets N trials and random search 4N;
 * prints both best-so-far curves and model-best(N) ÷ random-best(4N) (≤ 1.05 means "within 5 %").
 * Usage (from the repo root):
 *   node --conditions=@unet3d/source --import tsx packages/backend-tvm/scripts/tuner-convergence.ts \
 *     [--n 16] [--threads 1] [--patch 32,64,64] [--seed 0]
 * Logs go to results/tuning/<cpu-slug>/studies/convergence-<tuner>.jsonl (rewritten): a sub-folder, so
 * apply-history-best (which reads the *.jsonl directly in the CPU's folder) never applies a study's records.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { readLog, recordMeanCost, taskKeyOf } from '@unet3d/results';
import * as tvm from '../src/index.js';

const { values } = parseArgs({
  options: {
    n: { type: 'string', default: '16' },
    threads: { type: 'string', default: '1' },
    patch: { type: 'string', default: '32,64,64' },
    seed: { type: 'string', default: '0' },
    results: { type: 'string', default: 'results' },
  },
});
const N = Number(values.n);
const patch = values.patch.split(',').map(Number) as [number, number, number];
const all = tvm.networkConvWorkloads('scaled', 1, patch);
// Three different kinds: the strided embedding, a 3×3×3 mid layer, a 1×1×1 layer; one pass each.
const picks = [
  { w: all[0]!, pass: 'backwardData' as const },
  { w: all[3]!, pass: 'forward' as const },
  { w: all[9]!, pass: 'backwardFilter' as const },
];
const dir = join(tvm.cpuTuningDir(values.results, tvm.cpuSlug()), 'studies');
const curves: Record<string, Record<string, number[]>> = {};
for (const [tuner, budget] of [
  ['model', N],
  ['random', 4 * N],
] as const) {
  const logPath = join(dir, `convergence-${tuner}.jsonl`);
  rmSync(logPath, { force: true });
  for (const { w, pass } of picks) {
    const measurer = new tvm.CpuMeasurer({
      threads: Number(values.threads),
      repeats: 2,
      seed: 1,
      commit: tvm.gitCommit(),
    });
    try {
      await tvm.tuneWorkloads({
        workloads: [w],
        passes: [pass],
        budget,
        batchSize: 8,
        precision: 'fp32',
        logPath,
        tuner,
        seed: Number(values.seed),
        measurer,
        transfer: false,
      });
    } finally {
      measurer.dispose();
    }
  }
  for (const r of readLog(logPath).records) {
    const task = taskKeyOf(r);
    const c = (curves[task] ??= {});
    const list = (c[tuner] ??= []);
    list.push(Math.min(list.at(-1) ?? Number.POSITIVE_INFINITY, recordMeanCost(r)));
  }
}
console.log(`model-guided tuner after N = ${N} trials vs random search after 4N = ${4 * N} (best ms so far)`);
for (const [task, c] of Object.entries(curves)) {
  const m = c['model'] ?? [];
  const r = c['random'] ?? [];
  const show = (xs: number[]) =>
    xs
      .filter((_, i) => (i + 1) % 4 === 0)
      .map((x) => x.toFixed(2))
      .join(' ');
  console.log(`\n${task}\n  model : ${show(m)}\n  random: ${show(r)}`);
  const mb = m.at(-1) ?? Number.NaN;
  const rb = r.at(-1) ?? Number.NaN;
  const rN = r[N - 1] ?? Number.NaN;
  console.log(
    `  model best(${N}) ${mb.toFixed(3)} ms, random best(${N}) ${rN.toFixed(3)} ms, random best(${4 * N}) ${rb.toFixed(3)} ms → model(N) ÷ random(4N) = ${(mb / rb).toFixed(3)}`,
  );
}
