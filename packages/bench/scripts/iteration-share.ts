/**
 * Non-convolution share of a CPU training iteration, old path against new in ONE run (a ratio from one run survives a noisy machine): onnxruntime
 * convolutions on both; 'old' = CpuDevice({ native: 'off' }), the JavaScript ops unfused; 'new' = the native
 * (C) ops with the executor's fused chains. The two trainers are stepped alternately (old, new, new, old, …)
 * on the same batch so machine load hits both alike. Prints per model and path: time per iteration, conv time,
 * non-conv time, non-conv share (medians over the timed iterations), the old ÷ new speed-up, then per op kind
 * of the new path its achieved bandwidth (fewest bytes from @unet3d/flops ÷ time) against the measured copy
 * bandwidth (measureCpuProfile).
 *
 * Run from the repository root:
 *   node --conditions=@unet3d/source --import tsx packages/bench/scripts/iteration-share.ts \
 *     [--model scaled,strided] [--iterations 3] [--warmup 1] [--threads N] [--patch 64,128,128]
 * --threads sets the native ops' OpenMP threads and onnxruntime's intra-op threads (default: every core).
 */
import os from 'node:os';
import { parseArgs } from 'node:util';
import '@unet3d/backend-onnxruntime/register';
import { type ConvBackend, getBackendRegistration, numel } from '@unet3d/core';
import { CpuDevice } from '@unet3d/cpu';
import { makeTrainingBatch } from '@unet3d/data';
import { adamStepBytes, lossCallBytes, nonConvLayerBytes } from '@unet3d/flops';
import { buildNetwork, type Layer, type Network } from '@unet3d/model';
import { measureCpuProfile } from '@unet3d/native';
import { DEFAULT_PATCH } from '@unet3d/paper';
import { createTrainer, type LayerTiming, type Trainer } from '@unet3d/train';

const { values } = parseArgs({
  options: {
    model: { type: 'string', default: 'scaled,strided' },
    iterations: { type: 'string', default: '3' },
    warmup: { type: 'string', default: '1' },
    threads: { type: 'string' },
    patch: { type: 'string', default: DEFAULT_PATCH.join(',') },
  },
});
const models = values.model.split(',') as ('scaled' | 'strided' | 'baseline')[];
const iterations = Number(values.iterations);
const warmup = Number(values.warmup);
const threads = values.threads !== undefined ? Number(values.threads) : undefined;
const patch = values.patch.split(',').map(Number) as [number, number, number];
if (
  !(iterations >= 1) ||
  !(warmup >= 0) ||
  patch.length !== 3 ||
  (threads !== undefined && !(threads >= 1))
) {
  console.error('usage: --model scaled,strided --iterations N≥1 --warmup N≥0 --threads N≥1 --patch D,H,W');
  process.exit(2);
}

interface Sample {
  wall: number;
  conv: number;
  nonConv: number;
  /** Non-conv ms and fewest bytes per op kind (fused chains keyed by their kinds joined with '+'). */
  kinds: Map<string, { ms: number; bytes: number }>;
}

interface Path {
  label: 'old' | 'new';
  device: CpuDevice;
  backend: ConvBackend;
  trainer: Trainer;
  samples: Sample[];
}

const median = (v: readonly number[]): number => {
  const s = [...v].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

/** Op-kind label and fewest bytes of one timed non-conv call. */
function classify(t: LayerTiming, byName: Map<string, Layer>, network: Network, params: number) {
  if (t.kind === 'loss')
    return { kind: 'loss', bytes: lossCallBytes(numel(network.layers.at(-1)!.outputShape)) };
  if (t.kind === 'adam') return { kind: 'adam', bytes: adamStepBytes(params) };
  const pass = t.pass === 'forward' ? 'forward' : 'backward';
  const names = t.fused ?? [t.layer];
  const layers = names.map((n) => byName.get(n)!);
  const kinds = layers.map((l) => (l.kind === 'conv' ? 'bias' : l.kind));
  const bytes = layers.reduce((s, l) => s + nonConvLayerBytes(l, pass), 0);
  return { kind: `${kinds.join('+')}${t.fused ? ' (fused)' : ''} ${pass}`, bytes };
}

async function makePath(label: 'old' | 'new', network: Network): Promise<Path> {
  const device = new CpuDevice(
    label === 'old' ? { native: 'off' } : { native: 'on', ...(threads !== undefined ? { threads } : {}) },
  );
  const backend = await getBackendRegistration('onnxruntime').create({
    device,
    mathMode: 'fp32',
    ...(threads !== undefined ? { extra: { intraOpNumThreads: threads } } : {}),
  });
  const trainer = await createTrainer({ network, device, backend, seed: 0 });
  return { label, device, backend, trainer, samples: [] };
}

async function timedStep(path: Path, network: Network, batch: Parameters<Trainer['step']>[0]): Promise<void> {
  const byName = new Map(network.layers.map((l) => [l.name, l]));
  const params = path.trainer.parameterCount();
  const s: Sample = { wall: 0, conv: 0, nonConv: 0, kinds: new Map() };
  path.trainer.setTimingHook((t) => {
    if (t.conv) {
      s.conv += t.ms;
      return;
    }
    s.nonConv += t.ms;
    const { kind, bytes } = classify(t, byName, network, params);
    const k = s.kinds.get(kind) ?? { ms: 0, bytes: 0 };
    k.ms += t.ms;
    k.bytes += bytes;
    s.kinds.set(kind, k);
  });
  s.wall = (await path.trainer.step(batch)).ms;
  path.trainer.setTimingHook(undefined);
  path.samples.push(s);
}

const load = os.loadavg().map((v) => v.toFixed(1));
console.log(
  `iteration-share: patch 1×${patch.join('×')}, ${iterations} timed + ${warmup} warm-up iterations per path, ` +
    `threads ${threads ?? `all (${os.availableParallelism()})`}, ${os.cpus()[0]?.model.trim()}, load average ${load.join(' ')} at start`,
);
const profile = await measureCpuProfile();
const copy = profile.bandwidthBytesPerSec.copy;
console.log(
  `measured: copy ${(copy / 1e9).toFixed(1)} GB/s, fp32 peak ${(profile.peakFp32FlopsPerSec / 1e9).toFixed(0)} GFLOP/s ` +
    `(${profile.threads} threads, ${profile.compiler.split('\n')[0]})`,
);

const summary: string[] = [];
for (const model of models) {
  const network = buildNetwork({ model, input: patch, batch: 1 });
  const b = makeTrainingBatch({ patch, batch: 1, seed: 0 });
  const paths = [await makePath('old', network), await makePath('new', network)];
  console.log(`${model}: new path ops = ${paths[1]!.device.describe().ops}`);
  const batches = paths.map((p) => ({
    input: p.device.upload(b.input, b.inputShape),
    target: p.device.upload(b.target, b.targetShape),
    mask: p.device.upload(b.mask, b.targetShape),
  }));
  for (let w = 0; w < warmup; w++) for (let i = 0; i < 2; i++) await paths[i]!.trainer.step(batches[i]!);
  for (let it = 0; it < iterations; it++) {
    const order = it % 2 === 0 ? [0, 1] : [1, 0];
    for (const i of order) await timedStep(paths[i]!, network, batches[i]!);
    process.stdout.write(`  ${model} iteration ${it + 1}/${iterations} done\n`);
  }
  const rows = paths.map((p) => {
    const wall = median(p.samples.map((s) => s.wall));
    const conv = median(p.samples.map((s) => s.conv));
    const nonConv = median(p.samples.map((s) => s.nonConv));
    const share = median(p.samples.map((s) => s.nonConv / (s.conv + s.nonConv)));
    return { label: p.label, wall, conv, nonConv, share };
  });
  const speedup = rows[0]!.wall / rows[1]!.wall;
  const lines = rows.map(
    (r) =>
      `| ${model.padEnd(8)} | ${r.label === 'old' ? 'old: JS ops, unfused  ' : 'new: native + fused   '} | ${r.wall.toFixed(0).padStart(8)} | ${r.conv.toFixed(0).padStart(8)} | ${r.nonConv.toFixed(0).padStart(8)} | ${(100 * r.share).toFixed(1).padStart(5)} % | ${r.label === 'new' ? `${speedup.toFixed(2)}×` : ''.padEnd(5)} |`,
  );
  summary.push(...lines);
  console.log(`\n${lines.join('\n')}`);
  console.log(
    `\n${model}, new path, per op kind (median over iterations; bytes = @unet3d/flops fewest bytes):`,
  );
  console.log(
    '| op kind and pass                         | ms/iter |   MB/iter |  GB/s | time ÷ (bytes ÷ copy bw) |',
  );
  console.log(
    '| ---------------------------------------- | ------: | --------: | ----: | -----------------------: |',
  );
  const newPath = paths[1]!;
  const kinds = [...new Set(newPath.samples.flatMap((s) => [...s.kinds.keys()]))];
  const perKind = kinds.map((k) => {
    const ms = median(newPath.samples.map((s) => s.kinds.get(k)?.ms ?? 0));
    const bytes = newPath.samples[0]!.kinds.get(k)?.bytes ?? 0;
    return { k, ms, bytes };
  });
  for (const { k, ms, bytes } of perKind.sort((p, q) => q.ms - p.ms)) {
    const gbs = bytes / (ms / 1e3) / 1e9;
    const ratio = ms / 1e3 / (bytes / copy);
    console.log(
      `| ${k.padEnd(40)} | ${ms.toFixed(1).padStart(7)} | ${(bytes / 1e6).toFixed(1).padStart(9)} | ${gbs.toFixed(1).padStart(5)} | ${ratio.toFixed(2).padStart(24)} |`,
    );
  }
  for (let i = 0; i < 2; i++) {
    paths[i]!.trainer.dispose();
    paths[i]!.backend.dispose?.();
    paths[i]!.device.dispose();
  }
}
console.log('\n| model    | path                    | iter ms  | conv ms  | non-conv | share   | old÷new |');
console.log('| -------- | ----------------------- | -------: | -------: | -------: | ------: | ------- |');
for (const line of summary) console.log(line);
console.log(
  `load average at end: ${os
    .loadavg()
    .map((v) => v.toFixed(1))
    .join(' ')}`,
);
