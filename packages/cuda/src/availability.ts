import { errorToOneLine } from '@unet3d/core';
import { CudaDriver, formatCudaVersion } from './driver/driver.js';
import type { LibraryLocations } from './library/library-loader.js';
import type { SystemProbe } from './library/system-probe.js';

export type CudaAvailability =
  | { available: true; deviceCount: number; driverVersion: string; libcuda: string }
  | { available: false; reason: string };

/**
 * Whether a CUDA GPU can be used here, without throwing: loads libcuda, runs cuInit and counts devices.
 * `reason` is one line (what is missing and how to fix it). Tests use this to skip GPU cases.
 */
export function cudaAvailability(locations: LibraryLocations = {}, probe?: SystemProbe): CudaAvailability {
  try {
    const driver = CudaDriver.load(locations, probe);
    const deviceCount = driver.deviceCount();
    if (deviceCount === 0)
      return { available: false, reason: 'libcuda loaded but no CUDA device is visible' };
    return {
      available: true,
      deviceCount,
      driverVersion: formatCudaVersion(driver.version()),
      libcuda: driver.library.path,
    };
  } catch (err) {
    return { available: false, reason: errorToOneLine(err) };
  }
}
