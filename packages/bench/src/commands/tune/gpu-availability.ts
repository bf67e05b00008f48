import { errorToOneLine } from '@unet3d/core';
import { loadCudaModule } from '../../cuda-module.js';
import { probeNvidiaDriverHere } from '../../nvidia-driver.js';

export type GpuAvailability = { available: true } | { available: false; reason: string };

/**
 * Is a CUDA GPU usable here, for `tune`'s default target and `--target cuda`? The driver probe first (no
 * driver: the CUDA stack is never loaded), then @unet3d/cuda through the CLI's one literal import of it
 * (cuda-module.ts), which the offline bundler sees and bundles; no device is opened. The reason is one line.
 */
export async function gpuAvailability(): Promise<GpuAvailability> {
  const driver = probeNvidiaDriverHere();
  if (!driver.present) return { available: false, reason: driver.reason };
  try {
    const a = (await loadCudaModule()).cudaAvailability();
    return a.available ? { available: true } : { available: false, reason: a.reason };
  } catch (err) {
    return { available: false, reason: errorToOneLine(err) };
  }
}
