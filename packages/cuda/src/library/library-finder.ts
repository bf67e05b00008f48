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

/**
 * System library folders (under the probe's root). /usr/local/nvidia/lib64 is where a container runtime
 * (e.g. GKE's) mounts the host's driver libraries, libcuda.so.1 among them, without always putting that
 * folder on LD_LIBRARY_PATH or into the loader cache.
 */
const SYSTEM_DIRS = [
  '/usr/lib/x86_64-linux-gnu',
  '/usr/lib/aarch64-linux-gnu',
  '/usr/lib64',
  '/usr/lib',
  '/usr/local/lib',
  '/usr/lib/wsl/lib',
  '/usr/local/nvidia/lib64',
  '/usr/local/nvidia/lib',
];

/** Entries of `parent` whose name starts with `prefix`, newest-looking (highest version) first. */
function globPrefix(probe: SystemProbe, parent: string, prefix: string): string[] {
  return probe
    .listDir(parent)
    .filter((n) => n.startsWith(prefix))
    .sort((a, b) => b.localeCompare(a, undefined, { numeric: true }))
    .map((n) => path.join(parent, n));
}

/** A fixed absolute place (e.g. /usr/local/cuda) under the probe's root ('/' in real use). */
export function rooted(probe: SystemProbe, fixed: string): string {
  const root = probe.root ?? '/';
  return root === '/' ? fixed : path.join(root, fixed);
}

/**
 * Python installation prefixes whose site-packages may hold NVIDIA's pip wheels, best first:
 * $VIRTUAL_ENV, $CONDA_PREFIX, the prefix of every `python3` on PATH (…/bin/python3 → …), every virtual
 * environment under /opt (/opt/NAME/.venv, /opt/NAME/venv), /opt/conda, /usr/local, /usr and ~/.local.
 * Found from the file layout alone: no python is run here.
 */
export function pythonPrefixes(probe: SystemProbe): string[] {
  const prefixes: string[] = [];
  for (const v of ['VIRTUAL_ENV', 'CONDA_PREFIX']) {
    const p = probe.env[v];
    if (p) prefixes.push(p);
  }
  for (const dir of (probe.env['PATH'] ?? '').split(':').filter((d) => path.isAbsolute(d))) {
    if (probe.exists(path.join(dir, 'python3'))) prefixes.push(path.dirname(dir));
  }
  const opt = rooted(probe, '/opt');
  for (const name of probe.listDir(opt).sort()) {
    for (const venv of ['.venv', 'venv']) {
      const prefix = path.join(opt, name, venv);
      if (probe.exists(prefix)) prefixes.push(prefix);
    }
  }
  prefixes.push(
    rooted(probe, '/opt/conda'),
    rooted(probe, '/usr/local'),
    rooted(probe, '/usr'),
    path.join(probe.homeDir, '.local'),
  );
  return [...new Set(prefixes)];
}

/** Python site-packages folders: from a python3 if one ran, then lib*\/python3*\/{site,dist}-packages of every prefix. */
export function sitePackagesDirs(probe: SystemProbe): string[] {
  const dirs = [...probe.pythonSitePackages()];
  for (const prefix of pythonPrefixes(probe)) {
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
  roots.push({ root: rooted(probe, '/usr/local/cuda'), source: '/usr/local/cuda*' });
  for (const r of globPrefix(probe, rooted(probe, '/usr/local'), 'cuda-'))
    roots.push({ root: r, source: '/usr/local/cuda*' });
  return roots;
}

/**
 * Folders of CUDA headers, relative to a site-packages folder, that NVIDIA's pip wheels install: CUDA 13
 * wheels (nvidia-cuda-nvrtc, nvidia-cuda-runtime, pulled in by `cuda-toolkit[nvrtc,cudart]`) share
 * nvidia/cu13/include; CUDA 12 wheels have one folder per component.
 */
const PIP_INCLUDE_SUBDIRS = [
  'nvidia/cu13/include',
  'nvidia/cuda_runtime/include',
  'nvidia/cuda_nvrtc/include',
];

/** The header NVRTC's tensor-core kernels include and that NVRTC 13.0 does not find by itself. */
export const NVRTC_REQUIRED_HEADER = 'mma.h';

/**
 * What an include folder must hold for the tensor-core kernels to compile: `mma.h` is a stub that includes
 * `crt/mma.h`, and a CUDA 13 pip wheel's nvidia/cu13/include can hold the stub without its crt/ folder
 * ("cannot open source file crt/mma.h"); a toolkit's include/ holds both.
 */
export const NVRTC_REQUIRED_HEADERS: readonly string[] = [NVRTC_REQUIRED_HEADER, 'crt/mma.h'];

/**
 * The include folder to hand NVRTC (`--include-path=DIR`), best first: $CUDA_HOME/$CUDA_PATH, then
 * /usr/local/cuda*, then the pip wheels' include folders of every python prefix; the first folder that
 * holds every one of NVRTC_REQUIRED_HEADERS (CUDA's WMMA headers; NVRTC 13.0 looks only in its own built-in
 * headers). `searched` lists every existing folder looked at, and `incomplete` those passed over for a
 * missing header (`DIR (no crt/mma.h)`), for the error message.
 */
export function findCudaIncludeDir(probe: SystemProbe): {
  dir: string | undefined;
  searched: string[];
  incomplete: string[];
} {
  const searched: string[] = [];
  const incomplete: string[] = [];
  const candidates: string[] = [];
  for (const { root } of toolkitRoots(probe)) {
    candidates.push(
      path.join(root, 'include'),
      path.join(root, 'targets/x86_64-linux/include'),
      path.join(root, 'targets/sbsa-linux/include'),
    );
  }
  for (const site of sitePackagesDirs(probe)) {
    for (const sub of PIP_INCLUDE_SUBDIRS) candidates.push(path.join(site, sub));
  }
  for (const dir of new Set(candidates)) {
    if (!probe.exists(dir)) continue;
    searched.push(dir);
    const missing = NVRTC_REQUIRED_HEADERS.filter((h) => !probe.exists(path.join(dir, h)));
    if (missing.length === 0) return { dir, searched, incomplete };
    // A folder without even mma.h is no CUDA include folder for this purpose: not worth naming.
    if (missing.length < NVRTC_REQUIRED_HEADERS.length) incomplete.push(`${dir} (no ${missing.join(', ')})`);
  }
  return { dir: undefined, searched, incomplete };
}

/** A libcuda in a toolkit's compat/ folder: the forward-compatibility driver, only right on older drivers. */
function isCompatDriver(spec: LibrarySpec, file: string): boolean {
  return spec.id === 'cuda' && path.basename(path.dirname(file)) === 'compat';
}

/**
 * Plan where to look for a library, best first:
 *   1. the explicit file / folders from options;  2. the spec's env override folder(s);
 *   3. the loader path: LD_LIBRARY_PATH, then `ldconfig -p`;  4. CUDA_HOME / CUDA_PATH;
 *   5. /usr/local/cuda, /usr/local/cuda-*;  6. pip `nvidia-*` wheels beside a python (and conda's lib);
 *   7. the system lib folders;  8. the bare soname, left to dlopen.
 * Only existing files become candidates; every folder looked in is listed in `searched`.
 * For the driver, a libcuda in a `compat/` folder (the toolkit's forward-compatibility libcuda, also when it
 * is on LD_LIBRARY_PATH) comes after every other file found unless it was given explicitly: on a machine
 * whose driver is newer than the toolkit it fails cuInit (CUDA_ERROR_SYSTEM_DRIVER_MISMATCH).
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
  for (const d of SYSTEM_DIRS) addDir(rooted(probe, d), 'system');
  searched.push(`dlopen(${spec.sonames[0]}) default search`);
  const explicit = (c: LibraryCandidate) => c.source === 'option' || c.source.startsWith('$UNET3D_');
  // The toolkit's lib64/stubs/libcuda.so loads, but every call fails with CUDA_ERROR_STUB_LIBRARY.
  const kept = candidates.filter(
    (c) => explicit(c) || spec.id !== 'cuda' || path.basename(path.dirname(c.path)) !== 'stubs',
  );
  const compat = kept.filter((c) => !explicit(c) && isCompatDriver(spec, c.path));
  const ordered = [...kept.filter((c) => !compat.includes(c)), ...compat];
  for (const so of spec.sonames) {
    ordered.push({ path: so, source: 'dlopen default search' });
  }
  return { candidates: ordered, searched };
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
