import { fileURLToPath } from 'node:url';
import type { SeededRng } from '@unet3d/core';
import {
  type BenchRow,
  type BenchRun,
  type CpuIdentity,
  type DeviceIdentity,
  perLayerTiming,
  type Quietness,
  rowMetrics,
} from '@unet3d/results';

/** A committed CPU run (5 samples per row, 1 per layer entry): real data for the comparisons. */
export const COMMITTED_RUN = fileURLToPath(
  new URL('../../../results/cpu-amd-epyc-2c/2026-11-22T15-49-42.388Z.json', import.meta.url),
);

/**
 * A committed CPU run from before device identities (2026-11-30, 5 samples per row, AVX-512 features
 * recorded): its identity is inferred as vendor amd, ISA avx512, microarchitecture not recorded.
 */
export const COMMITTED_AVX512_RUN = fileURLToPath(
  new URL('../../../results/cpu-amd-epyc-2c/2026-11-30T05-34-09.251Z.json', import.meta.url),
);

/** An AMD Zen 3 with AVX2 (family 25 model 1), 2 cores, printing the same name as the committed runs. */
export const ZEN3_AVX2: CpuIdentity = {
  kind: 'cpu',
  vendor: 'amd',
  microarch: 'zen3',
  family: 25,
  model: 1,
  isa: 'avx2',
  cores: 2,
  modelName: 'AMD EPYC',
};

/** The same run as recorded on another device identity. */
export function onDevice(run: BenchRun, identity: DeviceIdentity): BenchRun {
  const p = run.provenance;
  return { ...run, provenance: { ...p, device: { ...p.device, identity } } };
}

/** How a row's quietness reads when other work held `share` of the CPUs (threshold 15%, 2 CPUs). */
export function quietness(share: number): Quietness {
  const reading = (other: number) => ({
    loadAverage1m: 2 * other,
    otherCpuShare: other,
    stealShare: 0,
    intervalS: 30,
    governor: null,
    clockMHz: null,
  });
  const noisy = share > 0.15;
  return {
    method: '/proc/stat and /proc/<pid>/stat over the row',
    thresholdShare: 0.15,
    before: reading(0.01),
    during: reading(share),
    noisy,
    reason: noisy ? `other processes held ${Math.round(share * 100)}% of 2 CPUs (threshold 15%)` : null,
  };
}

/** The run with every row's quietness recorded: `share[rowId]` of the CPUs held by other work (else 1%). */
export function withQuietness(run: BenchRun, share: Record<string, number>): BenchRun {
  return { ...run, rows: run.rows.map((r) => ({ ...r, quietness: quietness(share[r.id] ?? 0.01) })) };
}

/** A copy of `run` whose samples (rows and per-layer) are replaced, with every derived field recomputed. */
export function withSamples(
  run: BenchRun,
  rowSamples: (row: BenchRow) => number[],
  layerSamples: (row: BenchRow, samplesMs: readonly number[], index: number) => number[] = (_r, s) => [...s],
): BenchRun {
  return {
    ...run,
    rows: run.rows.map((row) => {
      if (row.status !== 'ok') return row;
      const samplesMs = rowSamples(row);
      return {
        ...row,
        samplesMs,
        ...rowMetrics(samplesMs, row.iterationMacs),
        perLayer: row.perLayer.map((e, i) =>
          perLayerTiming(e.layer, e.pass, layerSamples(row, e.samplesMs, i), e.macs, e.bytes),
        ),
      };
    }),
  };
}

/** `n` log-normal draws around `median` with log-sd `sigma` (the noise model of the power simulation). */
export function logNormal(rng: SeededRng, n: number, median: number, sigma: number): number[] {
  return Array.from({ length: n }, () => median * Math.exp(sigma * rng.normal()));
}
