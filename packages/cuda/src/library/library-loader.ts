import { LibraryNotFoundError } from '@unet3d/core';
import { getKoffi, type LibraryHandle } from './koffi.js';
import { findCompanions, type LibrarySearchOptions, planLibrarySearch } from './library-finder.js';
import type { LibraryId, LibrarySpec } from './library-specs.js';
import { createSystemProbe, type SystemProbe } from './system-probe.js';

/** Where to find each library; every field optional (the finder's search order applies otherwise). */
export interface LibraryLocations {
  /** Extra folders to search first, per library. */
  libraryDirs?: Partial<Record<LibraryId, string | readonly string[]>>;
  /** An exact file to load, per library. */
  libraryFiles?: Partial<Record<LibraryId, string>>;
}

export interface LoadedLibrary {
  readonly spec: LibrarySpec;
  readonly handle: LibraryHandle;
  /** The file that loaded (absolute), or the bare soname when dlopen's own search found it. */
  readonly path: string;
  readonly source: string;
  /** Companion libraries preloaded from the same folder, and those that failed (with why). */
  readonly companions: readonly string[];
  readonly companionFailures: readonly string[];
}

/** Something that can open a shared library: koffi in real use, a fake in tests. */
export type LibraryOpener = (path: string) => LibraryHandle;

const koffiOpener: LibraryOpener = (p) => getKoffi().load(p, { global: true });

/**
 * Every handle this process opened, held for its life. koffi closes a library (dlclose) when its handle is
 * garbage-collected; a companion preloaded only so that the main library's own dlopen-by-name finds it
 * (NVRTC's libnvrtc-builtins, cuDNN's sub-libraries) has no other reference, so after the next GC it was
 * gone, and a wheel's libnvrtc.so.13 has no RUNPATH to find libnvrtc-builtins again: compiles then failed
 * at random. CUDA libraries are never unloaded anyway (closing one under live contexts is not safe).
 */
const heldOpen: LibraryHandle[] = [];

function openAndHold(open: LibraryOpener, path: string): LibraryHandle {
  const handle = open(path);
  heldOpen.push(handle);
  return handle;
}

export function searchOptionsFor(id: LibraryId, locations: LibraryLocations = {}): LibrarySearchOptions {
  const dirs = locations.libraryDirs?.[id];
  const file = locations.libraryFiles?.[id];
  return {
    ...(dirs ? { dirs: typeof dirs === 'string' ? [dirs] : dirs } : {}),
    ...(file ? { file } : {}),
  };
}

/**
 * Find and open a library, and preload its companions from the same folder; every handle opened is held for
 * the life of the process (see heldOpen). Tries each candidate in search order; when none opens, throws
 * LibraryNotFoundError naming the library, every place searched (and why each found file failed to open)
 * and how to point to it.
 */
export function loadLibrary(
  spec: LibrarySpec,
  locations: LibraryLocations = {},
  probe: SystemProbe = createSystemProbe(),
  open: LibraryOpener = koffiOpener,
): LoadedLibrary {
  const plan = planLibrarySearch(spec, probe, searchOptionsFor(spec.id, locations));
  const failures: string[] = [];
  for (const c of plan.candidates) {
    let handle: LibraryHandle;
    try {
      handle = openAndHold(open, c.path);
    } catch (err) {
      if (c.path.includes('/')) failures.push(`${c.path}: ${(err as Error).message}`);
      continue;
    }
    const companions: string[] = [];
    const companionFailures: string[] = [];
    for (const comp of findCompanions(spec, c.path, probe)) {
      try {
        openAndHold(open, comp);
        companions.push(comp);
      } catch (err) {
        companionFailures.push(`${comp}: ${(err as Error).message}`);
      }
    }
    return { spec, handle, path: c.path, source: c.source, companions, companionFailures };
  }
  const searched = failures.length
    ? [...plan.searched, ...failures.map((f) => `failed to open ${f}`)]
    : plan.searched;
  throw new LibraryNotFoundError(spec.displayName, searched, spec.installHint);
}
