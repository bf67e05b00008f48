import type { MathMode } from '@unet3d/core';
import { type BenchRunInput, median } from '@unet3d/results';
import { measureRunCpuProfile } from './measured-cpu-profile.js';
import { gitState, hostInfo, packageVersions } from './provenance.js';
import { defaultIterationCounts, type RowOutcome } from './row-job.js';

export interface RunProvenanceOptions {
  readonly started: Date;
  /** Outcomes of the rows that ran, in row order (the first one describes the device). */
  readonly outcomes: readonly RowOutcome[];
  readonly notes: readonly string[];
  readonly patch: readonly [number, number, number];
  readonly batch: number;
  readonly precision: MathMode;
  readonly seed: number;
  readonly quick: boolean;
}

/** The device a run measured on, from the first measured row (else this host's CPU). */
function deviceOf(first: RowOutcome | undefined) {
  const host = hostInfo();
  const details = first?.device?.details ?? {};
  const backendDetails = first?.backendDetails ?? {};
  const str = (k: string): string | null => {
    const v = details[k] ?? backendDetails[k];
    return typeof v === 'string' || typeof v === 'number' ? String(v) : null;
  };
  const cuda = first?.device?.kind === 'cuda';
  return {
    kind: first?.device?.kind ?? ('cpu' as const),
    name: cuda && first?.device ? first.device.name : host.cpuModel,
    cores: cuda ? null : host.cores,
    gpuName: cuda && first?.device ? first.device.name : null,
    driverVersion: str('driverVersion'),
    cudaVersion: str('cudaVersion'),
    cudnnVersion: str('cudnnVersion'),
    computeCapability: str('computeCapability'),
    memoryBytes:
      typeof details['memoryBytes'] === 'number' ? (details['memoryBytes'] as number) : host.memoryBytes,
    profile: null,
    details,
  };
}

/** How rows were timed and what the harness itself cost per iteration. */
function timingOf(options: RunProvenanceOptions) {
  const first = options.outcomes[0];
  const counts = first?.counts ?? defaultIterationCounts('cpu', options.quick);
  const overheads = options.outcomes.map((o) => o.harnessOverheadMs).filter((v): v is number => v !== null);
  return {
    timing: {
      iterations: counts.iterations,
      warmupIterations: counts.warmupIterations,
      clock: first?.device?.kind === 'cuda' ? 'performance.now after device synchronize' : 'performance.now',
      isolation: 'child-process-per-row',
      seed: options.seed,
    },
    harnessOverhead: {
      method:
        'per timed iteration: (wall time of the tinybench run phase − sum of the step times it recorded) / iterations; one value per measured row',
      samplesMs: overheads.length ? overheads : [0],
      medianMs: overheads.length ? median(overheads) : 0,
    },
  };
}

/** Everything a results file records about how, where and from what code a run was measured. */
export async function runProvenance(options: RunProvenanceOptions): Promise<BenchRunInput['provenance']> {
  const git = await gitState();
  const device = deviceOf(options.outcomes[0]);
  const notes = [...options.notes];
  if (device.kind === 'cpu') {
    const { measured, note } = await measureRunCpuProfile();
    Object.assign(device, { measured });
    if (note) notes.push(note);
  }
  return {
    date: options.started.toISOString(),
    gitCommit: git.commit,
    gitDirty: git.dirty,
    command: ['unet3d', ...process.argv.slice(2)],
    device,
    host: hostInfo(),
    runtimes: {
      node: process.version,
      onnxruntime:
        options.outcomes.map((o) => o.backendDetails['onnxruntime']).find((v) => typeof v === 'string') ??
        null,
    },
    packages: packageVersions(),
    patch: [...options.patch],
    batch: options.batch,
    precision: options.precision,
    ...timingOf(options),
    notes,
  };
}
