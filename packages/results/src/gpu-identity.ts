import type { GpuIdentity } from './device-identity.js';

/**
 * Compute capability as 'major.minor' from any of the forms a CUDA device reports it in: '9.0', 'sm_90',
 * or the number 90 (major·10 + minor, the tuner's DeviceLimits.arch). Null when none of them.
 */
export function computeCapabilityOf(value: unknown): string | null {
  if (typeof value === 'number' && Number.isInteger(value) && value >= 10) {
    return `${Math.floor(value / 10)}.${value % 10}`;
  }
  if (typeof value !== 'string') return null;
  if (/^\d+\.\d+$/.test(value)) return value;
  const sm = /^sm_(\d+)(\d)[a-z]?$/.exec(value);
  return sm ? `${sm[1]}.${sm[2]}` : null;
}

/**
 * A GPU's identity from the details its CUDA device reports (`CudaDevice.describe()`: `computeCapability`
 * '9.0' or `arch` 'sm_90' / 90, `totalMemoryBytes`, `driverVersion`), under the name the driver gives it
 * (e.g. 'NVIDIA H100 80GB HBM3'). The bench (results folder), `tune --target cuda` (the tuning log folder)
 * and the `tvm` backend (the logs it applies) all build it here, so `identitySlug` of it names one folder
 * for all three (e.g. `nvidia-h100-80gb-hbm3-sm90`).
 */
export function gpuIdentityFromDetails(
  name: string,
  details: Readonly<Record<string, unknown>>,
): GpuIdentity {
  const memory = details['totalMemoryBytes'] ?? details['memoryBytes'];
  const driver = details['driverVersion'];
  return {
    kind: 'cuda',
    name,
    sm: computeCapabilityOf(details['computeCapability']) ?? computeCapabilityOf(details['arch']),
    memoryBytes: typeof memory === 'number' && memory >= 0 ? memory : null,
    driver: typeof driver === 'string' || typeof driver === 'number' ? String(driver) : null,
  };
}
