/**
 * TEST FIXTURE ONLY: builds a schema-valid results object with synthetic, measured-looking timings (a simple
 * rate model plus seeded noise) for tests and for previewing the report's figures. Nothing here is a
 * measurement; provenance notes say so.
 */
import type { ConvPass } from '@unet3d/core';
import { seededRng } from '@unet3d/core';
import { DEFAULT_PATCH, PAPER_TABLE1 } from '@unet3d/paper';
import {
  type BenchRow,
  type BenchRun,
  BenchRunSchema,
  type PerLayerTiming,
  perLayerTiming,
  rowMetrics,
} from '@unet3d/results';
import type { AnalyticSource } from '../analytic.js';

export interface SampleRunOptions {
  readonly analytic: AnalyticSource;
  readonly seed?: number;
  readonly samples?: number;
  readonly device?: 'cpu' | 'cuda';
  readonly patch?: readonly [number, number, number];
  readonly batch?: number;
  /** Paper rows to mark not-run, with the reason. */
  readonly notRun?: Readonly<Record<number, string>>;
  /** Multiply one conv pass's times (and so its row's iteration times) by `factor`. */
  readonly slow?: {
    readonly row: number;
    readonly layer: string;
    readonly pass: ConvPass;
    readonly factor: number;
  };
  /** Relative noise (log-normal sigma) of each sample; default 0.03. */
  readonly noise?: number;
}

const MODELS = ['baseline', 'strided', 'scaled', 'scaled'] as const;
const IDS = ['baseline-cudnn', 'strided-cudnn', 'scaled-cudnn', 'scaled-tvm'] as const;

/** Synthetic rate (FLOP/s) of one conv pass: depends on device, implementation, pass and layer. */
function rate(device: 'cpu' | 'cuda', tvm: boolean, pass: ConvPass, layerIndex: number): number {
  const base = device === 'cpu' ? 60e9 : tvm ? 14e12 : 8e12;
  const passFactor = pass === 'forward' ? 1 : pass === 'backwardData' ? 0.85 : 0.6;
  return base * passFactor * (0.7 + 0.3 * Math.cos(layerIndex * 1.3) ** 2);
}

export function sampleRun(options: SampleRunOptions): BenchRun {
  const device = options.device ?? 'cuda';
  const patch = options.patch ?? [...DEFAULT_PATCH];
  const batch = options.batch ?? 1;
  const n = options.samples ?? 12;
  const sigma = options.noise ?? 0.03;
  const rng = seededRng(options.seed ?? 1);
  const noisy = (ms: number) => ms * Math.exp(sigma * rng.normal());
  const rows: BenchRow[] = PAPER_TABLE1.map((p, i) => {
    const tvm = p.implementation === 'tvm';
    const backend = device === 'cpu' ? 'onnxruntime' : tvm ? 'tvm' : 'cudnn';
    const counts =
      options.analytic.convCounts({
        model: MODELS[i]!,
        channels: p.channels,
        strided: p.strided,
        patch,
        batch,
        precision: 'fp32',
      }) ?? [];
    const iterationMacs = counts.reduce((s, c) => s + c.macs, 0);
    const common = {
      id: IDS[i]!,
      paperRow: p.paperRow,
      model: MODELS[i]!,
      channels: [...p.channels],
      strided: p.strided,
      paperImplementation: p.implementation,
      backend,
      backendDevice: device,
      backendDetails: {},
      warmupIterations: 3,
      iterationMacs,
    };
    const reason = options.notRun?.[p.paperRow];
    if (reason) {
      return {
        ...common,
        status: 'not-run' as const,
        reason,
        samplesMs: [],
        medianMs: null,
        spread: null,
        gflopPerSecond: null,
        perLayer: [],
        peakHostRssBytes: null,
        peakDeviceBytes: null,
      };
    }
    const layerNames = [...new Set(counts.map((c) => c.layer))];
    const perLayer: PerLayerTiming[] = [];
    const iterations = new Array<number>(n).fill(0);
    for (const c of counts) {
      const slow = options.slow;
      const factor =
        slow && slow.row === p.paperRow && slow.layer === c.layer && slow.pass === c.pass ? slow.factor : 1;
      const ms = ((2 * c.macs) / rate(device, tvm, c.pass, layerNames.indexOf(c.layer))) * 1e3 * factor;
      const samples = Array.from({ length: n }, () => noisy(ms));
      samples.forEach((s, k) => {
        iterations[k]! += s;
      });
      perLayer.push(perLayerTiming(c.layer, c.pass, samples, c.macs, c.bytes ?? undefined));
    }
    const otherMs = iterations.map((t) => 0.15 * t);
    perLayer.push(perLayerTiming('(non-conv layers)', 'other', otherMs.map(noisy), 0));
    const samplesMs = iterations.map((t, k) => t + otherMs[k]!);
    return {
      ...common,
      status: 'ok' as const,
      samplesMs,
      ...rowMetrics(samplesMs, iterationMacs),
      perLayer,
      peakHostRssBytes: 1.5e9 + i * 1e8,
      peakDeviceBytes: device === 'cuda' ? 6e9 + i * 1e9 : null,
    };
  });
  return BenchRunSchema.parse({
    schemaVersion: 1,
    provenance: {
      date: '2025-06-01T12:00:00.000Z',
      gitCommit: '0123456789abcdef0123456789abcdef01234567',
      gitDirty: false,
      command: ['unet3d', 'bench', '(synthetic test fixture)'],
      device: {
        kind: device,
        name: device === 'cuda' ? 'NVIDIA H100 80GB HBM3' : 'Synthetic CPU',
        cores: device === 'cpu' ? 2 : 16,
        gpuName: device === 'cuda' ? 'NVIDIA H100 80GB HBM3' : null,
        driverVersion: device === 'cuda' ? '550.00' : null,
        cudaVersion: device === 'cuda' ? '12.4' : null,
        cudnnVersion: device === 'cuda' ? '9.1.0' : null,
        computeCapability: device === 'cuda' ? '9.0' : null,
        memoryBytes: 80e9,
        profile: device === 'cuda' ? 'h100-sxm' : null,
      },
      host: { os: 'linux', arch: 'x64', cpuModel: 'Synthetic CPU', cores: 16, memoryBytes: 128e9 },
      runtimes: { node: 'v20.0.0', onnxruntime: device === 'cpu' ? '1.22.0' : null },
      packages: { '@unet3d/bench': '0.1.0' },
      patch,
      batch,
      precision: 'fp32',
      timing: {
        iterations: n,
        warmupIterations: 3,
        clock: device === 'cuda' ? 'cuda-events' : 'performance.now',
        isolation: 'child-process-per-row',
        seed: options.seed ?? 1,
      },
      harnessOverhead: { method: 'empty timed region', samplesMs: [0.004, 0.005, 0.004], medianMs: 0.004 },
      notes: ['SYNTHETIC TEST FIXTURE — timings are generated, not measured'],
    },
    rows,
  });
}
