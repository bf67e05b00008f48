import {
  type BenchRow,
  type BenchRun,
  type DeviceIdentity,
  identityDifferences,
  identityOfDevice,
} from '@unet3d/results';

const was = (what: string, a: string, b: string) => `${what} ${a} in the baseline, ${b} now`;

/**
 * How the workloads of two runs differ, one phrase each (`patch 64,128,128 in the baseline, 16,64,64 now`):
 * patch, batch and math mode. Any difference makes the whole pair not comparable: every row measured
 * something else.
 */
export function workloadDifferences(baseline: BenchRun, current: BenchRun): string[] {
  const b = baseline.provenance;
  const c = current.provenance;
  const out: string[] = [];
  if (b.patch.join(',') !== c.patch.join(',')) out.push(was('patch', b.patch.join(','), c.patch.join(',')));
  if (b.batch !== c.batch) out.push(was('batch', String(b.batch), String(c.batch)));
  if (b.precision !== c.precision) out.push(was('math mode', b.precision, c.precision));
  return out;
}

/** The device identities of two runs and how they differ. */
export interface DeviceComparison {
  readonly baseline: DeviceIdentity;
  readonly current: DeviceIdentity;
  /** `identityDifferences(baseline, current)`: empty when both ran on the same kind of device. */
  readonly differences: readonly string[];
}

/**
 * Who measured each run (`identityOfDevice`: the recorded identity, or what a file from before identities
 * shows) and what differs: vendor, ISA level, microarchitecture, cores; for a GPU its name, compute
 * capability, memory and driver. A model name is not an identity: two "AMD EPYC" with 2 cores can be a Zen 3
 * with AVX2 and a Zen 4 with AVX-512.
 */
export function compareDevices(baseline: BenchRun, current: BenchRun): DeviceComparison {
  const b = identityOfDevice(baseline.provenance.device);
  const c = identityOfDevice(current.provenance.device);
  return { baseline: b, current: c, differences: identityDifferences(b, c) };
}

/**
 * Why one row that ran in both runs cannot be compared (`backend tvm-cpu on cpu in the baseline,
 * onnxruntime on cpu now`: a fallback backend measured something else), or null when it can.
 */
export function rowIncomparability(baseline: BenchRow, current: BenchRow): string | null {
  const b = `${baseline.backend} on ${baseline.backendDevice}`;
  const c = `${current.backend} on ${current.backendDevice}`;
  return b === c ? null : was('backend', b, c);
}

/**
 * Why two runs cannot be compared at all, one phrase each: the workload (patch, batch, math mode) and,
 * unless `crossDevice`, the device identity. Empty when the pair may be compared row by row (rows that ran
 * another backend are then left out one by one: `rowIncomparability`).
 */
export function incomparabilities(baseline: BenchRun, current: BenchRun, crossDevice = false): string[] {
  return [
    ...workloadDifferences(baseline, current),
    ...(crossDevice ? [] : compareDevices(baseline, current).differences),
  ];
}
