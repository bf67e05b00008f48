import { join } from 'node:path';
import { type GpuIdentity, gpuIdentityFromDetails, identitySlug } from '@unet3d/results';
import { tuningLogsIn } from '../cpu/cpu-tuning-logs.js';

/**
 * Where a GPU's tuning logs live: `<resultsRoot>/tuning/<identity slug>/` (e.g.
 * `results/tuning/nvidia-h100-80gb-hbm3-sm90/`), the slug of the same identity the bench files its results
 * under, so `tune --target cuda` writes where row 4's `tvm` backend reads.
 */
export function cudaTuningDir(resultsRoot: string, identity: GpuIdentity): string {
  return join(resultsRoot, 'tuning', identitySlug(identity));
}

/**
 * The identity the tuner sees of the GPU it measures on: its name (the measurer's provenance.device) and
 * compute capability as major·10 + minor (DeviceLimits.arch, e.g. 90). Same slug as the device's own
 * `describe()` gives (computeCapability '9.0').
 */
export function tunedGpuIdentity(name: string, arch: number): GpuIdentity {
  return gpuIdentityFromDetails(name, { arch });
}

/**
 * The tuning logs the `tvm` backend applies on a GPU, from the registry's `extra`: the logs named
 * (`tuningLog` / `tuningLogs`) when given, else every log of this GPU under `extra.results` (the bench row
 * passes its results root; default 'results'): `*.jsonl` of cudaTuningDir, the `.best.jsonl` summaries
 * excluded. `named` is what tuningLogsFromExtra read (undefined: none named).
 */
export function cudaTuningLogs(
  named: readonly string[] | undefined,
  extra: Readonly<Record<string, unknown>> | undefined,
  identity: GpuIdentity,
): string[] {
  if (named) return [...named];
  const root = typeof extra?.['results'] === 'string' ? extra['results'] : 'results';
  return tuningLogsIn(cudaTuningDir(root, identity));
}
