import { errorToOneLine } from '@unet3d/core';

export type GpuProbe =
  | { available: true; name: string; env: Record<string, string> }
  | { available: false; reason: string };

/**
 * Is a CUDA GPU usable here? Imports @unet3d/cuda on demand (never at start-up) and asks it; also returns
 * the environment a child needs (cuDNN loads its sub-libraries by name, so its folder must be on the
 * loader path when the child starts).
 */
export async function probeGpu(): Promise<GpuProbe> {
  try {
    const spec = '@unet3d/cuda';
    const cuda = (await import(spec)) as typeof import('@unet3d/cuda');
    const a = cuda.cudaAvailability();
    if (!a.available) return { available: false, reason: a.reason };
    let env: Record<string, string> = {};
    try {
      env = cuda.cudaChildEnv() as Record<string, string>;
    } catch {
      // cuDNN not found: the cudnn row will say so itself
    }
    return { available: true, name: `${a.deviceCount} CUDA device(s), driver ${a.driverVersion}`, env };
  } catch (err) {
    return { available: false, reason: errorToOneLine(err) };
  }
}
