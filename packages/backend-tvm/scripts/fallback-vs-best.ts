/**
 * The template fallback (what tvm-cpu runs where no tuning record exists) against the best config a tuning
 * log found, both measured here in the same run, for the biggest tasks of a network. A check of the CPU
 * templates' fallbacks: on AVX2 and AVX-512 alike they should be within ~1.5× of the best found.
 * Only the log's records whose config is valid in this CPU's space count (vl = 16 is not on AVX2).
 * Usage (from the repo root; UNET3D_CPU_FEATURES=avx2 narrows the ISA):
 *   node --conditions=@unet3d/source --import tsx packages/backend-tvm/scripts/fallback-vs-best.ts \
 *     [--log results/tuning/<slug>/scaled-fp32.jsonl | --from <slug>] [--model scaled] [--input 64,128,128] \
 *     [--top 16] [--threads 1] [--repeats 3] [--rounds 2] [--results results]
 * Prints per task: share of the log's iteration time, fallback ms, best-found ms (each the lowest mean over
 * rounds, order alternated per round, after one discarded measurement of both), their ratio; then the sums
 * over the tasks printed. On a shared machine repeat it and compare within one run.
 */
import { parseArgs } from 'node:util';
import { CONV_PASSES } from '@unet3d/core';

const { values } = parseArgs({
  options: {
    log: { type: 'string' },
    from: { type: 'string' },
    model: { type: 'string', default: 'scaled' },
    input: { type: 'string', default: '64,128,128' },
    top: { type: 'string', default: '16' },
    threads: { type: 'string', default: '1' },
    repeats: { type: 'string', default: '3' },
    rounds: { type: 'string', default: '2' },
    results: { type: 'string', default: 'results' },
  },
});
const { detectCpuFeatures } = await import('@unet3d/native');
const tvm = await import('../src/index.js');
const features = detectCpuFeatures();
const target = tvm.cpuTarget(tvm.cpuLimitsFromFeatures(features));
const logs = values.log
  ? [values.log]
  : values.from
    ? tvm.tuningLogsOf(values.results, values.from)
    : (tvm.nearestCpuWithLogs(values.results, features.identity, { includeSelf: true })?.logs ?? []);
if (logs.length === 0) {
  console.error('no tuning log: give --log <path> or --from <slug>');
  process.exit(2);
}
const records = logs.flatMap((p) => tvm.readLog(p).records);
const patch = values.input.split(',').map(Number) as [number, number, number];
const workloads = tvm.networkConvWorkloads(values.model as 'scaled', 1, patch);
interface Row {
  task: ReturnType<typeof tvm.createTask>;
  fallback: number;
  best: number;
  logMs: number;
}
const rows: Row[] = [];
for (const w of workloads)
  for (const pass of CONV_PASSES) {
    const task = tvm.createTask(w, pass, 'fp32', target);
    const mine = records
      .filter((r) => tvm.taskKeyOf(r) === task.id && r.template === task.template.name)
      .sort((a, b) => tvm.meanCost(a) - tvm.meanCost(b));
    const hit = mine.find((r) => {
      const i = task.space.encode(r.config.knobs);
      return i !== undefined && task.space.isValid(i) && Number.isFinite(tvm.meanCost(r));
    });
    if (!hit) continue;
    rows.push({
      task,
      fallback: tvm.defaultConfig(task).index,
      best: task.space.encode(hit.config.knobs)!,
      logMs: tvm.meanCost(hit),
    });
  }
rows.sort((a, b) => b.logMs - a.logMs);
const total = rows.reduce((s, r) => s + r.logMs, 0);
const shown = rows.slice(0, Number(values.top));
const m = new tvm.CpuMeasurer({
  threads: Number(values.threads),
  repeats: Number(values.repeats),
  checkCorrectness: false,
});
console.log(
  `CPU ${features.slug}, ${values.threads} thread(s), log ${logs.join(', ')} (${records.length} records), ${values.model} at ${patch.join('×')}`,
);
console.log('share\tfallback ms\tbest ms\tratio\ttask\tfallback knobs\tbest knobs');
let sumF = 0;
let sumB = 0;
for (const r of shown) {
  let f = Number.POSITIVE_INFINITY;
  let b = Number.POSITIVE_INFINITY;
  // Both built, and the task's first measurement (operands, reference, first-touch of the scratch) discarded.
  await m.measureBatch(r.task, [r.best, r.fallback]);
  for (let round = 0; round < Number(values.rounds); round++) {
    const order = round % 2 === 0 ? [r.fallback, r.best] : [r.best, r.fallback];
    const res = await m.measureBatch(r.task, order);
    const cost = (index: number) => tvm.meanCost(res[order.indexOf(index)]!);
    f = Math.min(f, cost(r.fallback));
    b = Math.min(b, cost(r.best));
  }
  sumF += f;
  sumB += b;
  console.log(
    `${((100 * r.logMs) / total).toFixed(1)}%\t${f.toFixed(2)}\t${b.toFixed(2)}\t${(f / b).toFixed(2)}\t${r.task.workloadKey} ${r.task.pass}\t${JSON.stringify(r.task.space.decode(r.fallback))}\t${JSON.stringify(r.task.space.decode(r.best))}`,
  );
}
console.log(
  `sum\t${sumF.toFixed(1)}\t${sumB.toFixed(1)}\t${(sumF / sumB).toFixed(2)}\t(${shown.length} of ${rows.length} tasks)`,
);
m.dispose();
process.exit(0);
