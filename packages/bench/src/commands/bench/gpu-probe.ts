import { errorToOneLine } from '@unet3d/core';
import { cudaChildEnvIfPresent, loadCudaModule } from '../../cuda-module.js';
import { probeNvidiaDriverHere } from '../../nvidia-driver.js';

export type GpuProbe =
  | { available: true; name: string; env: Record<string, string> }
  | { available: false; reason: string };

/**
 * Is a CUDA GPU usable here (and the environment a child needs)? Used only by `tune`; `bench` does not
 * probe: each row's child resolves its candidate backends itself.
 */
export async function probeGpu(): Promise<GpuProbe> {
  const driver = probeNvidiaDriverHere(); // no driver: no need to load the CUDA stack to find that out
  if (!driver.present) return { available: false, reason: driver.reason };
  try {
    const a = (await loadCudaModule()).cudaAvailability();
    if (!a.available) return { available: false, reason: a.reason };
    return {
      available: true,
      name: `${a.deviceCount} CUDA device(s), driver ${a.driverVersion}`,
      env: await cudaChildEnvIfPresent(),
    };
  } catch (err) {
    return { available: false, reason: errorToOneLine(err) };
  }
}
