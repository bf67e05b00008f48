/**
 * Non-convolution share of a CPU training iteration (onnxruntime convs, CpuDevice ops), per layer kind.
 * Run: node --conditions=@unet3d/source --import tsx packages/bench/scripts/iteration-share.ts [model] [D H W] [steps]
 * (defaults: strided 64 128 128, 2 timed steps after 1 warm-up).
 */
import '@unet3d/backend-onnxruntime/register';
import { getBackendRegistration } from '@unet3d/core';
import { CpuDevice } from '@unet3d/cpu';
import { makeTrainingBatch } from '@unet3d/data';
import { buildNetwork } from '@unet3d/model';
import { DEFAULT_PATCH } from '@unet3d/paper';
import { createTrainer } from '@unet3d/train';

const argv = process.argv.slice(2);
const model = (argv[0] ?? 'strided') as 'strided';
const dims = argv.length >= 4 ? argv.slice(1, 4).map(Number) : [...DEFAULT_PATCH];
const patch = [dims[0]!, dims[1]!, dims[2]!] as [number, number, number];
const steps = Number(argv[4] ?? 2);

const network = buildNetwork({ model, input: patch, batch: 1 });
const device = new CpuDevice();
const backend = await getBackendRegistration('onnxruntime').create({ device, mathMode: 'fp32' });
const trainer = await createTrainer({ network, device, backend, seed: 0 });
const b = makeTrainingBatch({ patch, batch: 1, seed: 0 });
const batch = {
  input: device.upload(b.input, b.inputShape),
  target: device.upload(b.target, b.targetShape),
  mask: device.upload(b.mask, b.targetShape),
};

await trainer.step(batch); // warm-up
const totals = new Map<string, number>();
const byPass = new Map<string, number>();
trainer.setTimingHook((t) => {
  const key = t.conv ? 'conv' : t.kind;
  totals.set(key, (totals.get(key) ?? 0) + t.ms);
  const k2 = `${key}/${t.pass}`;
  byPass.set(k2, (byPass.get(k2) ?? 0) + t.ms);
});
let wall = 0;
for (let s = 0; s < steps; s++) wall += (await trainer.step(batch)).ms;
trainer.setTimingHook(undefined);

let all = 0;
for (const v of totals.values()) all += v;
const conv = totals.get('conv') ?? 0;
console.log(
  `${model} ${patch.join('×')}, ${steps} step(s), per-step ms (timed layers ${(all / steps).toFixed(0)}, wall ${(wall / steps).toFixed(0)})`,
);
for (const [k, v] of [...totals.entries()].sort((p, q) => q[1] - p[1]))
  console.log(
    `  ${k.padEnd(16)} ${(v / steps).toFixed(0).padStart(8)} ms  ${((100 * v) / all).toFixed(1).padStart(5)}%`,
  );
console.log(
  `  by pass: ${[...byPass.entries()]
    .sort((p, q) => q[1] - p[1])
    .map(([k, v]) => `${k} ${(v / steps).toFixed(0)}`)
    .join(', ')}`,
);
console.log(`non-conv share: ${((100 * (all - conv)) / all).toFixed(1)}%`);
trainer.dispose();
backend.dispose?.();
device.dispose();
