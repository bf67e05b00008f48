import path from 'node:path';
import { planLibrarySearch } from './library-finder.js';
import { type LibraryLocations, searchOptionsFor } from './library-loader.js';
import { LIBRARY_SPECS, type LibraryId } from './library-specs.js';
import { createSystemProbe, type SystemProbe } from './system-probe.js';

export interface ChildEnvOptions extends LibraryLocations {
  /** Libraries whose folders the child needs, default all three. */
  libraries?: readonly LibraryId[];
}

/**
 * Environment additions for a child process that will use CUDA: LD_LIBRARY_PATH with the folders where
 * the libraries were found, first. cuDNN 9 loads its sub-libraries (libcudnn_cnn, libcudnn_engines_*) and
 * pip wheels' neighbours (nvidia/cublas/lib) by name, and the dynamic loader reads LD_LIBRARY_PATH only when
 * a process starts, so the child must get it at spawn: `spawn(cmd, args, { env: { ...process.env, ...cudaChildEnv() } })`.
 */
export function cudaChildEnv(
  options: ChildEnvOptions = {},
  probe: SystemProbe = createSystemProbe(),
): { LD_LIBRARY_PATH: string } {
  const dirs: string[] = [];
  for (const id of options.libraries ?? (['cuda', 'nvrtc', 'cudnn'] as const)) {
    const plan = planLibrarySearch(LIBRARY_SPECS[id], probe, searchOptionsFor(id, options));
    const found = plan.candidates.find((c) => path.isAbsolute(c.path));
    if (!found) continue;
    const dir = path.dirname(found.path);
    dirs.push(dir);
    // A pip wheel's folder (site-packages/nvidia/X/lib): its siblings (cublas, nvjitlink, ...) are needed too.
    const nvidiaRoot = path.dirname(path.dirname(dir));
    if (path.basename(nvidiaRoot) === 'nvidia') {
      for (const pkg of probe.listDir(nvidiaRoot).sort()) {
        const lib = path.join(nvidiaRoot, pkg, 'lib');
        if (probe.exists(lib)) dirs.push(lib);
      }
    }
  }
  const existing = (probe.env['LD_LIBRARY_PATH'] ?? '').split(':').filter(Boolean);
  return { LD_LIBRARY_PATH: [...new Set([...dirs, ...existing])].join(':') };
}
