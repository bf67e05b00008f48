import { fileURLToPath } from 'node:url';
import type { SeededRng } from '@unet3d/core';
import { type BenchRow, type BenchRun, perLayerTiming, rowMetrics } from '@unet3d/results';

/** The committed CPU run the example uses (5 samples per row, 1 per layer entry). */
export const COMMITTED_RUN = fileURLToPath(
  new URL('../../../results/cpu-amd-epyc-2c/2026-11-22T15-49-42.388Z.json', import.meta.url),
);

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
