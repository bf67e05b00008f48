import type { PassKind, PerLayerTiming, Spread } from './row-schema.js';
import { summarizeSamples } from './samples.js';
import { type Throughput, throughputFromMacs } from './throughput.js';

/** The derived fields of an 'ok' row, computed from its samples so writers never compute them by hand. */
export function rowMetrics(
  samplesMs: readonly number[],
  iterationMacs: number,
): { medianMs: number; spread: Spread; gflopPerSecond: Throughput } {
  const { medianMs, spread } = summarizeSamples(samplesMs);
  return { medianMs, spread, gflopPerSecond: throughputFromMacs(iterationMacs, medianMs) };
}

/** One perLayer entry with its median filled in (null when there are no samples). */
export function perLayerTiming(
  layer: string,
  pass: PassKind,
  samplesMs: readonly number[],
  macs: number,
  bytes?: number,
  fused?: readonly string[],
  opKind?: string,
): PerLayerTiming {
  return {
    layer,
    pass,
    samplesMs: [...samplesMs],
    medianMs: samplesMs.length ? summarizeSamples(samplesMs).medianMs : null,
    macs,
    ...(bytes !== undefined ? { bytes } : {}),
    ...(fused?.length ? { fused: [...fused] } : {}),
    ...(opKind ? { opKind } : {}),
  };
}
