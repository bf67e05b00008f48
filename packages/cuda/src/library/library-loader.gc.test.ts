import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { findCompiler } from '@unet3d/native';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadLibrary } from './library-loader.js';
import type { LibrarySpec } from './library-specs.js';
import { createSystemProbe } from './system-probe.js';

/** Why this test cannot run here: it maps real shared objects (Linux /proc/self/maps, a C compiler). */
function unavailable(): string | undefined {
  if (process.platform !== 'linux') return 'Linux only (/proc/self/maps)';
  try {
    findCompiler();
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}
const skip = unavailable();

/** A forced full garbage collection, without starting node with --expose-gc. */
function forceGc(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

const mapped = (file: string): boolean => readFileSync('/proc/self/maps', 'utf8').includes(file);

describe.skipIf(skip !== undefined)(
  `loadLibrary holds every handle it opens${skip ? ` (skipped: ${skip})` : ''}`,
  () => {
    let dir: string;
    let main: string;
    let companion: string;
    beforeAll(() => {
      dir = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'unet3d-loader-gc-')));
      const cc = findCompiler().path;
      // A library and the companion it would dlopen by name, the shape of libnvrtc.so.13 and
      // libnvrtc-builtins.so.13.0: real shared objects, built by the C compiler.
      main = path.join(dir, 'libunet3dgcmain.so.1');
      companion = path.join(dir, 'libunet3dgcbuiltins.so.1.0');
      writeFileSync(path.join(dir, 'main.c'), 'int gc_main_answer(void) { return 7; }\n');
      writeFileSync(path.join(dir, 'builtins.c'), 'int gc_builtins_answer(void) { return 42; }\n');
      execFileSync(cc, ['-shared', '-fPIC', '-o', main, path.join(dir, 'main.c')]);
      execFileSync(cc, ['-shared', '-fPIC', '-o', companion, path.join(dir, 'builtins.c')]);
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('a preloaded companion (and the library) stay mapped after the caller drops them and a full GC runs', async () => {
      const spec: LibrarySpec = {
        id: 'nvrtc',
        displayName: 'gc test library',
        sonames: [path.basename(main)],
        envVars: [],
        pipSubdirs: [],
        toolkitSubdirs: [],
        companions: ['libunet3dgcbuiltins.so.*'],
        installHint: 'built by this test',
        missingSymbolHint: 'built by this test',
      };
      const probe = createSystemProbe({ pythons: [], ldconfig: false, env: {}, root: dir, homeDir: dir });
      // Opened inside a function whose result is dropped: nothing of the caller's holds a handle.
      const companions = ((): readonly string[] =>
        loadLibrary(spec, { libraryDirs: { nvrtc: dir } }, probe).companions)();
      expect(companions).toEqual([companion]);
      expect(mapped(companion)).toBe(true);
      const gc = forceGc();
      for (let i = 0; i < 5; i++) {
        gc();
        await new Promise((r) => setTimeout(r, 20)); // koffi's finalizers run after the collection
      }
      expect(mapped(companion)).toBe(true);
      expect(mapped(main)).toBe(true);
    });
  },
);
