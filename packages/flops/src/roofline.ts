import { passBytes } from './arithmetic-intensity.js';
import type { DeviceProfile } from './device-profiles.js';
import { peakFlopsFor } from './device-profiles.js';
import type { NetworkCost } from './network-cost.js';
import { PASS_NAMES, type PassCost, type PassName } from './pass-cost.js';
import { type Precision, storageOf } from './storage.js';
import { macsToFlop } from './units.js';

/**
 * Roofline lower bound of a pass's time (s): max(compute time, memory time). MAC work runs at the precision's
 * peak; the element-wise rest of the pass at the fp32 vector peak. Bytes are the pass's fewest bytes in the
 * precision's storage format, at the device's bandwidth.
 */
export function passTimeLowerBound(pass: PassCost, profile: DeviceProfile, precision: Precision): number {
  const macFlop = macsToFlop(pass.macs);
  const matrixPeak = pass.macs > 0 ? peakFlopsFor(profile, precision) : profile.peakFlops.fp32;
  const compute = macFlop / matrixPeak + (pass.flop - macFlop) / profile.peakFlops.fp32;
  const memory = passBytes(pass, storageOf(precision)) / profile.memoryBandwidth;
  return Math.max(compute, memory);
}

export interface LayerRoofline {
  readonly name: string;
  readonly seconds: Readonly<Record<PassName, number>>;
  /** True when the memory term dominates the sum over passes. */
  readonly memoryBound: boolean;
}

export interface NetworkRoofline {
  readonly device: string;
  readonly precision: Precision;
  readonly layers: readonly LayerRoofline[];
  /** Lower bound for one training iteration (all layers, all passes, loss), seconds. */
  readonly totalSeconds: number;
}

/** Sum of per-pass roofline bounds over a network's layers and loss (kernels assumed unfused). */
export function networkRoofline(
  cost: NetworkCost,
  profile: DeviceProfile,
  precision: Precision,
): NetworkRoofline {
  const rows = [
    ...cost.layers.map((l) => ({ name: l.name, cost: l.cost })),
    { name: 'loss', cost: cost.loss },
  ];
  const storage = storageOf(precision);
  const layers = rows.map(({ name, cost: c }) => {
    const seconds = Object.fromEntries(
      PASS_NAMES.map((p) => [p, passTimeLowerBound(c[p], profile, precision)]),
    ) as Record<PassName, number>;
    const memory = PASS_NAMES.reduce((s, p) => s + passBytes(c[p], storage), 0) / profile.memoryBandwidth;
    const total = PASS_NAMES.reduce((s, p) => s + seconds[p], 0);
    return { name, seconds, memoryBound: total > 0 && memory >= total * 0.999 };
  });
  const totalSeconds = layers.reduce((s, l) => s + PASS_NAMES.reduce((t, p) => t + l.seconds[p], 0), 0);
  return { device: profile.id, precision, layers, totalSeconds };
}
