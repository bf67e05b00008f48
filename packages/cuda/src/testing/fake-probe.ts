import path from 'node:path';
import type { SystemProbe } from '../library/system-probe.js';

/** A SystemProbe over a list of files (folders are implied by the files under them). */
export function fakeProbe(
  files: readonly string[],
  init: { env?: Record<string, string>; ldconfig?: string[]; site?: string[]; home?: string } = {},
): SystemProbe {
  const set = new Set(files);
  const dirs = new Map<string, Set<string>>();
  for (const f of files) {
    let p = f;
    while (p !== '/') {
      const parent = path.dirname(p);
      if (!dirs.has(parent)) dirs.set(parent, new Set());
      dirs.get(parent)!.add(path.basename(p));
      p = parent;
    }
  }
  return {
    env: init.env ?? {},
    homeDir: init.home ?? '/home/u',
    exists: (p) => set.has(p) || dirs.has(p),
    listDir: (d) => [...(dirs.get(d) ?? [])],
    ldconfigPaths: () => init.ldconfig ?? [],
    pythonSitePackages: () => init.site ?? [],
  };
}
