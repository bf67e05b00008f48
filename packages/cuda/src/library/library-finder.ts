import path from 'node:path';
import type { LibrarySpec } from './library-specs.js';
import type { SystemProbe } from './system-probe.js';

/** One place the finder looks, in order. `path` is a file path, or a bare soname left to dlopen's own search. */
export interface LibraryCandidate {
  readonly path: string;
  /** Why this place is searched, e.g. "$UNET3D_CUDNN_LIB_DIR", "ldconfig -p", "pip wheel". */
  readonly source: string;
}

export interface LibrarySearchOptions {
  /** Explicit folders to search first (from the caller's options object). */
  dirs?: readonly string[];
  /** An explicit file to load (searched before anything else). */
  file?: string;
}

/** The result of planning a search: the candidates, and a description of every place looked at. */
export interface LibrarySearchPlan {
  readonly candidates: LibraryCandidate[];
  /** Places searched, for the error message (folders with why, in order). */
  readonly searched: string[];
}

const SYSTEM_DIRS = [
  '/usr/lib/x86_64-linux-gnu',
  '/usr/lib/aarch64-linux-gnu',
  '/usr/lib64',
  '/usr/lib',
  '/usr/local/lib',
  '/usr/lib/wsl/lib',
];

/** Entries of `parent` whose name starts with `prefix`, newest-looking (highest version) first. */
function globPrefix(probe: SystemProbe, parent: string, prefix: string): string[] {
  return probe
    .listDir(parent)
    .filter((n) => n.startsWith(prefix))
    .sort((a, b) => b.localeCompare(a, undefined, { numeric: true }))
    .map((n) => path.join(parent, n));
}

/** Python site-packages folders: from a python3 if one runs, then the usual prefixes globbed. */
export function sitePackagesDirs(probe: SystemProbe): string[] {
  const dirs = [...probe.pythonSitePackages()];
  const prefixes = [
    probe.env['VIRTUAL_ENV'],
    probe.env['CONDA_PREFIX'],
    '/usr',
    '/usr/local',
    '/opt/conda',
    path.join(probe.homeDir, '.local'),
  ].filter((p): p is string => !!p);
  for (const prefix of prefixes) {
    for (const lib of ['lib', 'lib64']) {
      for (const py of globPrefix(probe, path.join(prefix, lib), 'python3')) {
        dirs.push(path.join(py, 'site-packages'), path.join(py, 'dist-packages'));
      }
    }
  }
  return [...new Set(dirs)];
}

/** CUDA toolkit roots: CUDA_HOME, CUDA_PATH, then /usr/local/cuda and /usr/local/cuda-* (newest first). */
export function toolkitRoots(probe: SystemProbe): { root: string; source: string }[] {
  const roots: { root: string; source: string }[] = [];
  for (const v of ['CUDA_HOME', 'CUDA_PATH']) {
    const r = probe.env[v];
    if (r) roots.push({ root: r, source: `$${v}` });
  }
  roots.push({ root: '/usr/local/cuda', source: '/usr/local/cuda*' });
  for (const r of globPrefix(probe, '/usr/local', 'cuda-'))
    roots.push({ root: r, source: '/usr/local/cuda*' });
  return roots;
}

/**
 * Plan where to look for a library, best first:
 *   1. the explicit file / folders from options;  2. the spec's env override folder(s);
 *   3. the loader path: LD_LIBRARY_PATH, then `ldconfig -p`;  4. CUDA_HOME / CUDA_PATH;
 *   5. /usr/local/cuda, /usr/local/cuda-*;  6. pip `nvidia-*` wheels beside a python (and conda's lib);
 *   7. the system lib folders;  8. the bare soname, left to dlopen.
 * Only existing files become candidates; every folder looked in is listed in `searched`.
 */
export function planLibrarySearch(
  spec: LibrarySpec,
  probe: SystemProbe,
  options: LibrarySearchOptions = {},
): LibrarySearchPlan {
  const candidates: LibraryCandidate[] = [];
  const searched: string[] = [];
  const seenFiles = new Set<string>();
  const seenDirs = new Set<string>();
  const addFile = (file: string, source: string) => {
    if (seenFiles.has(file) || !probe.exists(file)) return;
    seenFiles.add(file);
    candidates.push({ path: file, source });
  };
  const addDir = (dir: string, source: string) => {
    if (seenDirs.has(dir)) return;
    seenDirs.add(dir);
    searched.push(`${dir} (${source})`);
    for (const so of spec.sonames) addFile(path.join(dir, so), source);
  };

  if (options.file) {
    searched.push(`${options.file} (option)`);
    addFile(options.file, 'option');
  }
  for (const d of options.dirs ?? []) addDir(d, 'option');
  for (const v of spec.envVars) {
    const d = probe.env[v];
    if (d) addDir(d, `$${v}`);
    else searched.push(`$${v} (unset)`);
  }
  for (const d of (probe.env['LD_LIBRARY_PATH'] ?? '').split(':').filter(Boolean)) {
    addDir(d, 'LD_LIBRARY_PATH');
  }
  searched.push('ldconfig -p');
  const cache = probe.ldconfigPaths();
  for (const so of spec.sonames) {
    for (const p of cache) if (path.basename(p) === so) addFile(p, 'ldconfig -p');
  }
  for (const { root, source } of toolkitRoots(probe)) {
    for (const sub of spec.toolkitSubdirs) addDir(path.join(root, sub), source);
  }
  if (spec.pipSubdirs.length > 0) {
    for (const site of sitePackagesDirs(probe)) {
      for (const sub of spec.pipSubdirs) addDir(path.join(site, sub), 'pip wheel');
    }
    const conda = probe.env['CONDA_PREFIX'];
    if (conda) addDir(path.join(conda, 'lib'), '$CONDA_PREFIX');
  }
  for (const d of SYSTEM_DIRS) addDir(d, 'system');
  searched.push(`dlopen(${spec.sonames[0]}) default search`);
  for (const so of spec.sonames) {
    candidates.push({ path: so, source: 'dlopen default search' });
  }
  return { candidates, searched };
}

/** Companion files (globs with `*` in the last part) that exist next to `libraryPath`. */
export function findCompanions(spec: LibrarySpec, libraryPath: string, probe: SystemProbe): string[] {
  if (!path.isAbsolute(libraryPath)) return [];
  const dir = path.dirname(libraryPath);
  const names = probe.listDir(dir);
  const out: string[] = [];
  for (const pattern of spec.companions) {
    if (pattern.includes('*')) {
      const [pre = '', post = ''] = pattern.split('*');
      const hits = names.filter((n) => n.startsWith(pre) && n.endsWith(post)).sort();
      out.push(...hits.map((n) => path.join(dir, n)));
    } else if (names.includes(pattern)) {
      out.push(path.join(dir, pattern));
    }
  }
  return out;
}
