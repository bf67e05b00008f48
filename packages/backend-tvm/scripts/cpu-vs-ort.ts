/**
 * Tuned generated C kernels (tvm-cpu, apply-history-best over this CPU's tuning logs) against onnxruntime's
 * CPU convolutions (MLAS), per layer and pass of a network, in one process, alternating the two backends.
 * Usage (from the repo root):
 *   node --conditions=@unet3d/source --import tsx packages/backend-tvm/scripts/cpu-vs-ort.ts \
 *     [--model scaled] [--threads N] [--reps 3] [--settle-ms 50] [--out file.json]
 * Prints per layer and pass: best-of-reps ms, GFLOP/s (1 MAC = 2 FLOP), share of the measured fp32 peak
 * (FMA loop on the same threads), tvm ÷ ort time; then sums per pass and over all passes.
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import {
  CONV_PASSES,
  type ConvBackend,
  type ConvPass,
  type ConvWorkload,
  numel,
  seededRng,
} from '@unet3d/core';
import { randomFloat32 } from '@unet3d/core/testing';

const { values } = parseArgs({
  options: {
    model: { type: 'string', default: 'scaled' },
    threads: { type: 'string' },
    reps: { type: 'string', default: '3' },
    out: { type: 'string' },
    results: { type: 'string', default: 'results' },
    'settle-ms': { type: 'string', default: '50' },
  },
});
const threads = Number(values.threads ?? (await import('node:os')).availableParallelism());
// OpenMP reads its thread count when the runtime loads (with the first kernel): set it first.
process.env['OMP_NUM_THREADS'] = String(threads);

const { CpuDevice } = await import('@unet3d/cpu');
const { OrtConvBackend } = await import('@unet3d/backend-onnxruntime');
const { measureCpuProfile, detectCpuFeatures } = await import('@unet3d/native');
const tvm = await import('../src/index.js');
const { passOperandShapes } = await import('../src/pass-operands.js');

const model = values.model as 'scaled' | 'baseline' | 'strided';
const reps = Number(values.reps);
// Idle time before every timed call, so that the other backend's worker threads (onnxruntime's spinning
// intra-op pool, OpenMP's spin-wait) have gone to sleep and do not share the cores with the one measured.
const settleMs = Number(values['settle-ms']);
const settle = (): Promise<void> => new Promise((r) => setTimeout(r, settleMs));
const slug = detectCpuFeatures().slug;
const logs = tvm.cpuTuningLogs(values.results, slug);
const device = new CpuDevice();
const ours = await tvm.TvmCpuConvBackend.create(
  { device, mathMode: 'fp32' },
  { tuningLogs: logs, warn: (m) => console.error(m) },
);
const ort = await OrtConvBackend.create({ device, mathMode: 'fp32', intraOpNumThreads: threads });
const profile = await measureCpuProfile();
const peak = profile.peakFp32FlopsPerSec;
console.log(
  `CPU ${slug}, ${threads} thread(s), measured fp32 peak ${(peak / 1e9).toFixed(1)} GFLOP/s; logs: ${logs.join(', ') || 'none (fallback configs)'}`,
);

async function run(
  b: ConvBackend,
  w: ConvWorkload,
  pass: ConvPass,
  a: Float32Array,
  c: Float32Array,
): Promise<number> {
  const [sa, sb] = passOperandShapes(w, pass);
  const ta = device.upload(a, sa);
  const tb = device.upload(c, sb);
  await settle();
  const t0 = performance.now();
  const out =
    pass === 'forward'
      ? await b.forward(w, ta, tb)
      : pass === 'backwardData'
        ? await b.backwardData(w, ta, tb)
        : await b.backwardFilter(w, ta, tb);
  const ms = performance.now() - t0;
  device.free(out);
  device.free(ta);
  device.free(tb);
  return ms;
}

interface Row {
  workload: string;
  pass: ConvPass;
  gflop: number;
  tvmMs: number;
  ortMs: number;
  tvmGflops: number;
  ortGflops: number;
  tvmPeakShare: number;
  ratio: number;
  config: unknown;
}
const rows: Row[] = [];
const rng = seededRng(7);
for (const w of tvm.networkConvWorkloads(model)) {
  for (const pass of CONV_PASSES) {
    const task = tvm.createTask(
      w,
      pass,
      'fp32',
      tvm.cpuTarget(tvm.cpuLimitsFromFeatures(detectCpuFeatures())),
    );
    const [sa, sb] = passOperandShapes(w, pass);
    const a = randomFloat32(rng, numel(sa));
    const b = randomFloat32(rng, numel(sb));
    await ours.prepare(w, [pass]);
    await ort.prepare?.(w, [pass]);
    await run(ours, w, pass, a, b); // warm-up
    await run(ort, w, pass, a, b);
    let tvmMs = Number.POSITIVE_INFINITY;
    let ortMs = Number.POSITIVE_INFINITY;
    for (let r = 0; r < reps; r++) {
      tvmMs = Math.min(tvmMs, await run(ours, w, pass, a, b));
      ortMs = Math.min(ortMs, await run(ort, w, pass, a, b));
    }
    const flop = task.flop;
    const cfg = (ours.describe()['configs'] as Record<string, unknown>)[task.id];
    const row: Row = {
      workload: task.workloadKey,
      pass,
      gflop: flop / 1e9,
      tvmMs,
      ortMs,
      tvmGflops: flop / tvmMs / 1e6,
      ortGflops: flop / ortMs / 1e6,
      tvmPeakShare: flop / (tvmMs / 1000) / peak,
      ratio: tvmMs / ortMs,
      config: cfg,
    };
    rows.push(row);
    console.log(
      `${row.workload.padEnd(58)} ${pass.padEnd(14)} tvm ${tvmMs.toFixed(2).padStart(8)} ms ${row.tvmGflops.toFixed(1).padStart(6)} GFLOP/s (${(100 * row.tvmPeakShare).toFixed(0).padStart(3)}% peak)  ort ${ortMs.toFixed(2).padStart(8)} ms ${row.ortGflops.toFixed(1).padStart(6)} GFLOP/s  tvm/ort ${row.ratio.toFixed(2)}  [${(cfg as { source?: string })?.source ?? '?'}]`,
    );
  }
}
const sum = (f: (r: Row) => number, pass?: ConvPass) =>
  rows.filter((r) => !pass || r.pass === pass).reduce((s, r) => s + f(r), 0);
for (const pass of [...CONV_PASSES, undefined]) {
  const t = sum((r) => r.tvmMs, pass);
  const o = sum((r) => r.ortMs, pass);
  const g = sum((r) => r.gflop, pass);
  console.log(
    `TOTAL ${String(pass ?? 'all passes').padEnd(14)} tvm ${t.toFixed(1)} ms (${((g / t) * 1000).toFixed(1)} GFLOP/s)  ort ${o.toFixed(1)} ms (${((g / o) * 1000).toFixed(1)} GFLOP/s)  tvm/ort ${(t / o).toFixed(3)}`,
  );
}
if (values.out) {
  writeFileSync(
    values.out,
    `${JSON.stringify({ slug, threads, settleMs, peakFp32FlopsPerSec: peak, logs, date: new Date().toISOString(), rows }, null, 2)}\n`,
  );
}
await ours.dispose();
await ort.dispose();
