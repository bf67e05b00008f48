import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** Whether this machine shows an NVIDIA driver, and the evidence (a file) or why not. */
export type NvidiaDriverProbe = { present: true; evidence: string } | { present: false; reason: string };

export interface NvidiaDriverProbeOptions {
  /** Folder the fixed places are taken under ('/' in real use; a fixture folder in tests). */
  readonly root?: string;
  readonly platform?: NodeJS.Platform;
  readonly env?: NodeJS.ProcessEnv;
}

/**
 * A cheap check, made before anything loads the CUDA stack (koffi, @unet3d/cuda): is an NVIDIA driver
 * installed here? It only looks for files, so a CPU machine pays nothing for `--backends auto`.
 *
 *   - `UNET3D_CUDA_LIB_DIR` set (the user points at libcuda.so.1 by hand, @unet3d/cuda's override): present.
 *   - Linux: `/proc/driver/nvidia/version` (written by the NVIDIA kernel module, also visible inside
 *     containers given a GPU), or WSL 2's `/dev/dxg` with `/usr/lib/wsl/lib/libcuda.so.1`.
 *   - Windows: `nvcuda.dll` in `%SystemRoot%\System32`.
 *   - macOS: never (no CUDA driver since 10.14).
 *   - other systems: present (not known how to tell; the CUDA stack then reports for itself).
 *
 * A present driver does not mean a usable GPU: the backend's own creation still decides that.
 */
export function probeNvidiaDriver(options: NvidiaDriverProbeOptions = {}): NvidiaDriverProbe {
  const root = options.root ?? '/';
  const platform = options.platform ?? process.platform;
  const env = options.env ?? process.env;
  const override = env['UNET3D_CUDA_LIB_DIR'];
  if (override) return { present: true, evidence: `$UNET3D_CUDA_LIB_DIR=${override}` };
  const at = (p: string) => join(root, p);
  if (platform === 'linux') {
    const version = at('/proc/driver/nvidia/version');
    if (existsSync(version)) return { present: true, evidence: version };
    const wslLib = at('/usr/lib/wsl/lib/libcuda.so.1');
    if (existsSync(at('/dev/dxg')) && existsSync(wslLib)) return { present: true, evidence: wslLib };
    return {
      present: false,
      reason:
        'no NVIDIA driver (no /proc/driver/nvidia/version): the CUDA stack was not loaded; install the driver (nvidia-smi must work) or set UNET3D_CUDA_LIB_DIR',
    };
  }
  if (platform === 'win32') {
    const dll = join(env['SystemRoot'] ?? 'C:\\Windows', 'System32', 'nvcuda.dll');
    if (existsSync(dll)) return { present: true, evidence: dll };
    return { present: false, reason: `no NVIDIA driver (no ${dll}): the CUDA stack was not loaded` };
  }
  if (platform === 'darwin') {
    return {
      present: false,
      reason: 'no NVIDIA driver (macOS has no CUDA driver): the CUDA stack was not loaded',
    };
  }
  return { present: true, evidence: `unknown platform '${platform}' (not checked)` };
}

/** Test hook: `UNET3D_NVIDIA_PROBE_ROOT` takes the fixed places under another folder (a fixture). */
export function probeNvidiaDriverHere(): NvidiaDriverProbe {
  const root = process.env['UNET3D_NVIDIA_PROBE_ROOT'];
  return probeNvidiaDriver(root ? { root } : {});
}
