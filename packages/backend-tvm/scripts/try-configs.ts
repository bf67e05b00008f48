/**
 * Measure chosen configs (and the fallback) of one layer and pass of a network with the real CPU measurer
 * (checked against the float64 reference on the first run). A development aid for the CPU templates.
 * Usage: node --conditions=@unet3d/source --import tsx packages/backend-tvm/scripts/try-configs.ts \
 *   --layer <substring of the workload key> --pass backwardFilter [--threads 1] [--repeats 3] \
 *   ['{"vl":16,"cb":4,"ccb":2,"rows":64,"par":0}' ...]
 */
import { parseArgs } from 'node:util';
import type { ConvPass } from '@unet3d/core';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    model: { type: 'string', default: 'scaled' },
    layer: { type: 'string', default: '' },
    pass: { type: 'string', default: 'backwardFilter' },
    threads: { type: 'string', default: '1' },
    repeats: { type: 'string', default: '3' },
  },
});
const { detectCpuFeatures } = await import('@unet3d/native');
const tvm = await import('../src/index.js');
const target = tvm.cpuTarget(tvm.cpuLimitsFromFeatures(detectCpuFeatures()));
const m = new tvm.CpuMeasurer({ threads: Number(values.threads), repeats: Number(values.repeats) });
const ws = tvm
  .networkConvWorkloads(values.model as 'scaled')
  .filter((w) => tvm.createTask(w, 'forward', 'fp32', target).workloadKey.includes(values.layer ?? ''));
for (const w of ws) {
  const task = tvm.createTask(w, values.pass as ConvPass, 'fp32', target);
  const configs = [
    task.template.fallback!(task.problem, target.limits),
    ...positionals.map((p) => JSON.parse(p)),
  ];
  const idx = configs.map((c) => task.space.encode(c));
  const ok = idx.map((i) => (i === undefined ? 'not in space' : task.space.invalidReason(i)) ?? 'ok');
  const run = idx.filter((i, k) => i !== undefined && ok[k] === 'ok') as number[];
  const res = await m.measureBatch(task, run);
  let j = 0;
  for (let k = 0; k < configs.length; k++) {
    const r = ok[k] === 'ok' ? res[j++] : undefined;
    const ms = r ? Math.min(...r.costsMs) : Number.NaN;
    console.log(
      `${task.workloadKey} ${values.pass} ${k === 0 ? 'fallback ' : ''}${JSON.stringify(configs[k])} ${ok[k]} ${r ? `err ${r.error} ${ms.toFixed(2)} ms ${(task.flop / ms / 1e6).toFixed(1)} GFLOP/s` : ''}`,
    );
  }
}
m.dispose();
process.exit(0);
