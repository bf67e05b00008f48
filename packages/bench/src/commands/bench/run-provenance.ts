import type { MathMode } from '@unet3d/core';
import { profileForDeviceName } from '@unet3d/flops';
import { detectCpuFeatures } from '@unet3d/native';
import {
  type BenchRowInput,
  type BenchRunInput,
  type BenchSettings,
  type DeviceIdentity,
  gpuIdentityFromDetails,
  median,
} from '@unet3d/results';
import { gitState, hostInfo, packageVersions } from './provenance.js';
import { defaultIterationCounts, type IterationCounts, type RowOutcome } from './row-job.js';

type Provenance = BenchRunInput['provenance'];
export type DeviceInfo = Provenance['device'];

/** What a run records once, when it starts: when, from what code and command, on which host. */
export type BaseProvenance = Pick<
  Provenance,
  'date' | 'gitCommit' | 'gitDirty' | 'command' | 'host' | 'packages'
>;

export async function baseProvenance(started: Date): Promise<BaseProvenance> {
  const git = await gitState();
  return {
    date: started.toISOString(),
    gitCommit: git.commit,
    gitDirty: git.dirty,
    command: ['unet3d', ...process.argv.slice(2)],
    host: hostInfo(),
    packages: packageVersions(),
  };
}

/** The device a row measured on (from its child's outcome); else, with no outcome, this host's CPU. */
export function deviceOf(outcome: RowOutcome | undefined): DeviceInfo {
  const host = hostInfo();
  const details = outcome?.device?.details ?? {};
  const backendDetails = outcome?.backendDetails ?? {};
  const str = (k: string): string | null => {
    const v = details[k] ?? backendDetails[k];
    return typeof v === 'string' || typeof v === 'number' ? String(v) : null;
  };
  const cuda = outcome?.device?.kind === 'cuda';
  // Who the device is, not what it is called: a GPU by name, SM, memory and driver (the same identity, so
  // the same folder, as `tune --target cuda` and the tvm backend's logs); a CPU by vendor,
  // microarchitecture, ISA level (after any UNET3D_CPU_FEATURES override) and cores.
  const identity: DeviceIdentity =
    cuda && outcome?.device
      ? gpuIdentityFromDetails(outcome.device.name, { ...backendDetails, ...details })
      : detectCpuFeatures().identity;
  const memoryBytes =
    identity.kind === 'cuda'
      ? (identity.memoryBytes ?? host.memoryBytes)
      : typeof details['memoryBytes'] === 'number'
        ? (details['memoryBytes'] as number)
        : host.memoryBytes;
  return {
    kind: outcome?.device?.kind ?? ('cpu' as const),
    name: cuda && outcome?.device ? outcome.device.name : host.cpuModel,
    cores: cuda ? null : host.cores,
    gpuName: cuda && outcome?.device ? outcome.device.name : null,
    driverVersion: str('driverVersion'),
    cudaVersion: str('cudaVersion'),
    cudnnVersion: str('cudnnVersion'),
    computeCapability: str('computeCapability'),
    memoryBytes,
    // A GPU's roofline profile (vendor specs) by its own name; a CPU's roof is measured, not looked up.
    profile: identity.kind === 'cuda' ? (profileForDeviceName(identity.name)?.id ?? null) : null,
    details,
    identity,
  };
}

/** The clock a row's samples were read with, by its device kind. */
export function clockOf(kind: 'cpu' | 'cuda'): string {
  return kind === 'cuda' ? 'performance.now after device synchronize' : 'performance.now';
}

export interface RunProvenanceInput {
  readonly base: BaseProvenance;
  /** The device of the first measured row (null while none is: this host's CPU is recorded). */
  readonly device: DeviceInfo | null;
  /** The clock of the first measured row (null while none is). */
  readonly clock: string | null;
  readonly rows: readonly BenchRowInput[];
  readonly notes: readonly string[];
  readonly patch: readonly [number, number, number];
  readonly batch: number;
  readonly precision: MathMode;
  readonly seed: number;
  readonly settings: BenchSettings;
}

/** The counts the rows ran (or will run) with: fixed by the first measured row, else requested + CPU defaults. */
export function effectiveCounts(settings: BenchSettings): IterationCounts {
  return settings.counts ?? { ...defaultIterationCounts('cpu', settings.quick), ...settings.requested };
}

/**
 * Everything a results file records about how, where and from what code a run was measured, from the rows
 * as they stand (a run in progress included): timing from the counts every row runs with, the harness
 * overhead from each measured row's own figure, the ONNX Runtime version from the rows that loaded it.
 */
export function runProvenance(input: RunProvenanceInput): Provenance {
  const ok = input.rows.filter((r) => r.status === 'ok');
  const overheads = ok
    .map((r) => r.backendDetails?.['harnessOverheadMs'])
    .filter((v): v is number => typeof v === 'number');
  const onnxruntime = input.rows
    .map((r) => r.backendDetails?.['onnxruntime'])
    .find((v): v is string => typeof v === 'string');
  const counts = effectiveCounts(input.settings);
  return {
    ...input.base,
    device: input.device ?? deviceOf(undefined),
    runtimes: { node: process.version, onnxruntime: onnxruntime ?? null },
    patch: [...input.patch],
    batch: input.batch,
    precision: input.precision,
    timing: {
      iterations: counts.iterations,
      warmupIterations: counts.warmupIterations,
      clock: input.clock ?? clockOf('cpu'),
      isolation: 'child-process-per-row',
      seed: input.seed,
    },
    harnessOverhead: {
      method:
        'per timed iteration: (wall time of the tinybench run phase − sum of the step times it recorded) / iterations; one value per measured row',
      samplesMs: overheads.length ? overheads : [0],
      medianMs: overheads.length ? median(overheads) : 0,
    },
    notes: [...new Set(input.notes)],
    bench: input.settings,
  };
}
