import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isaIncludes } from '@unet3d/results';
import { afterAll, describe, expect, it } from 'vitest';
import { buildFlags, buildMany, buildSharedObject, buildSharedObjectSync } from './build.js';
import { findCompiler } from './compiler.js';
import { detectCpuFeatures } from './cpu-features.js';
import { CompileError, NativeUnavailableError } from './errors.js';
import { loadLibrary } from './library.js';

const cacheDir = mkdtempSync(path.join(os.tmpdir(), 'unet3d-native-test-'));
afterAll(() => rmSync(cacheDir, { recursive: true, force: true }));

/** Whether a process has ended: no such process, or a zombie left for its new parent to reap. */
async function gone(pid: number): Promise<boolean> {
  for (let i = 0; i < 300; i++) {
    if (!existsSync('/proc/self/stat')) {
      try {
        process.kill(pid, 0);
      } catch {
        return true;
      }
    } else {
      let stat: string;
      try {
        stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      } catch {
        return true;
      }
      const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
      if (state === 'Z' || state === 'X') return true;
    }
    // The kill is sent before the build rejects; its delivery and the reaping may lag on a loaded machine.
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

/** How build errors name the compiler ("cc 12.2.0", "clang 14.0.6"), as a regular expression. */
const shownCompiler = (): string => {
  const cc = findCompiler();
  return `${path.basename(cc.path)} ${cc.version}`.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
};

const SCALE = `#include <stdint.h>
void scale(float *x, int64_t n, float a) { for (int64_t i = 0; i < n; i++) x[i] *= a; }
`;

describe('findCompiler', () => {
  it('finds a C compiler and probes its family, version and OpenMP support', async () => {
    const cc = findCompiler();
    // The family from the compiler's own predefined macros (clang also defines __GNUC__).
    const macros = execFileSync(cc.path, ['-dM', '-E', '-x', 'c', '/dev/null'], { encoding: 'utf8' });
    const family = /__clang__/.test(macros) ? 'clang' : /__GNUC__/.test(macros) ? 'gcc' : 'unknown';
    expect(cc.family).toBe(family);
    expect(cc.version).toMatch(/^\d+\.\d+/);
    expect(cc.versionText).toContain(cc.version.split('.')[0]);
    // An OpenMP build compiles with _OPENMP defined exactly when the probe said OpenMP works (clang without
    // libomp: no -fopenmp, no failure).
    const source =
      'int built_with_openmp(void) {\n#ifdef _OPENMP\n  return 1;\n#else\n  return 0;\n#endif\n}\n';
    const built = await buildSharedObject({ name: 'omp-probe', source, openmp: true }, { cacheDir });
    const lib = loadLibrary(built.path);
    expect(lib.func('built_with_openmp', 'int', [])()).toBe(cc.supportsOpenMp ? 1 : 0);
    lib.unload();
  });

  it('CC pointing at a missing program is a NativeUnavailableError naming it', () => {
    const run = () => findCompiler({ env: { ...process.env, CC: '/nonexistent/cc' } });
    expect(run).toThrow(NativeUnavailableError);
    expect(run).toThrow(/'\/nonexistent\/cc' \(from CC\) not found/);
  });

  it('no compiler on an empty PATH is a NativeUnavailableError', () => {
    expect(() => findCompiler({ env: { PATH: cacheDir } })).toThrow(/no C compiler found/);
  });
});

describe('buildSharedObject', () => {
  it('builds, then hits the cache; a C function writes into a Float32Array in place', async () => {
    const first = await buildSharedObject({ name: 'scale', source: SCALE }, { cacheDir });
    expect(first.cached).toBe(false);
    expect(first.key).toMatch(/^[0-9a-f]{64}$/);
    const second = await buildSharedObject({ name: 'scale', source: SCALE }, { cacheDir });
    expect(second).toMatchObject({ cached: true, path: first.path, key: first.key });
    // No temporary file is left next to the cached object.
    expect(readdirSync(cacheDir).filter((f) => f.includes('.tmp') || f.endsWith('.c'))).toEqual([]);

    const lib = loadLibrary(first.path);
    const scale = lib.func('scale', 'void', ['float *', 'int64_t', 'float']);
    const buf = new Float32Array([1, 2, 3, 4, 5]);
    const view = buf.subarray(1, 4); // a view: C must see its own offset
    scale(view, 3, 10);
    expect([...buf]).toEqual([1, 20, 30, 40, 5]);
    lib.unload();
  });

  it('the cache key changes with the flags', async () => {
    const a = await buildSharedObject(
      { name: 'scale', source: SCALE, flags: ['-O1', '-fPIC', '-shared'] },
      { cacheDir },
    );
    const b = await buildSharedObject(
      { name: 'scale', source: SCALE, flags: ['-O2', '-fPIC', '-shared'] },
      { cacheDir },
    );
    expect(a.key).not.toBe(b.key);
    expect(a.path).not.toBe(b.path);
  });

  it('a compile error names the build and the compiler first error line', async () => {
    const source = 'int f(void) {\n  return undeclared_thing;\n}\nint g(void) { return also_missing; }\n';
    const err = await buildSharedObject({ name: 'broken-op', source }, { cacheDir }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CompileError);
    const line = (err as CompileError).toOneLine();
    const cc = findCompiler();
    expect(line).toContain(`building 'broken-op' with ${path.basename(cc.path)} ${cc.version} failed: `);
    // gcc: "'undeclared_thing' undeclared"; clang: "use of undeclared identifier 'undeclared_thing'".
    expect(line).toMatch(
      /broken-op\.c:2:\d+: error: (?:.undeclared_thing. undeclared|use of undeclared identifier .undeclared_thing.)/,
    );
    expect(line).not.toContain('also_missing'); // only the first error line
    expect(line.split('\n')).toHaveLength(1);
  });

  it('a compiler that runs too long is killed with its children and reported as a timeout', async () => {
    // A sleeping "compiler" (sh) is the stand-in for a hung build: the error path under test is the timeout.
    // It starts a child (as gcc starts cc1) and records both ids; both must be gone afterwards, however slow
    // the machine (no wall-clock bound: sleep 600 outlives any test run, so only the kill can end it).
    const pids = path.join(cacheDir, 'sleeper.pids');
    const sleeper = {
      path: '/bin/sh',
      family: 'unknown' as const,
      version: '0',
      versionText: 'sh',
      supportsOpenMp: false,
    };
    const err = await buildSharedObject(
      { name: 'slow', source: 'x', flags: ['-c', `sleep 600 & echo $$ $! > ${pids}; wait`] },
      { cacheDir, compiler: sleeper, timeoutMs: 3000 },
    ).catch((e: unknown) => e);
    expect((err as CompileError).message).toMatch(/'slow' .* timed out after 3000 ms/);
    const ids = readFileSync(pids, 'utf8').trim().split(/\s+/).map(Number);
    expect(ids).toHaveLength(2);
    for (const pid of ids) expect(await gone(pid), `process ${pid}`).toBe(true);
  }, 60_000);
});

describe('buildMany', () => {
  it('one broken source gives one error; the others build', async () => {
    const results = await buildMany(
      [
        { name: 'good', source: `${SCALE}int good_marker;\n` },
        { name: 'bad', source: 'int x = ;\n' },
        { name: 'good2', source: `${SCALE}int good2_marker;\n` },
      ],
      { cacheDir, parallelism: 2 },
    );
    expect(results.map((r) => r.ok)).toEqual([true, false, true]);
    const bad = results[1]!;
    expect(!bad.ok && bad.error).toMatch(/building 'bad' .*bad\.c:1:\d+: error: expected expression/);
  });
});

describe('buildSharedObjectSync', () => {
  it('shares the cache with the async builder and reports compile errors the same way', async () => {
    const source = `${SCALE}int sync_marker;\n`;
    const sync = buildSharedObjectSync({ name: 'scale-sync', source }, { cacheDir });
    expect(sync.cached).toBe(false);
    const again = await buildSharedObject({ name: 'scale-sync', source }, { cacheDir });
    expect(again).toMatchObject({ cached: true, path: sync.path, key: sync.key });
    expect(() => buildSharedObjectSync({ name: 'bad-sync', source: 'int x = ;\n' }, { cacheDir })).toThrow(
      new RegExp(
        `building 'bad-sync' with ${shownCompiler()} failed: bad-sync\\.c:1:\\d+: error: expected expression`,
      ),
    );
  });
});

/** Run `fn` with UNET3D_CPU_FEATURES set to `value` (unset for undefined), restored afterwards. */
async function withIsa<T>(value: string | undefined, fn: () => Promise<T> | T): Promise<T> {
  const before = process.env['UNET3D_CPU_FEATURES'];
  if (value === undefined) delete process.env['UNET3D_CPU_FEATURES'];
  else process.env['UNET3D_CPU_FEATURES'] = value;
  try {
    return await fn();
  } finally {
    if (before === undefined) delete process.env['UNET3D_CPU_FEATURES'];
    else process.env['UNET3D_CPU_FEATURES'] = before;
  }
}

/** The widest vector path the preprocessor enabled, and a function that uses it (zmm only with AVX-512). */
const LEVEL = `#include <immintrin.h>
int isa_bits(void) {
#if defined(__AVX512F__)
  return 512;
#elif defined(__AVX2__)
  return 256;
#else
  return 128;
#endif
}
void add16(float *y, const float *a, const float *b) {
#if defined(__AVX512F__)
  _mm512_storeu_ps(y, _mm512_add_ps(_mm512_loadu_ps(a), _mm512_loadu_ps(b)));
#elif defined(__AVX2__)
  for (int i = 0; i < 16; i += 8) _mm256_storeu_ps(y + i, _mm256_add_ps(_mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i)));
#else
  for (int i = 0; i < 16; i++) y[i] = a[i] + b[i];
#endif
}
`;

const hardware = detectCpuFeatures({ env: {} }).hardwareIsa;
const wide = isaIncludes(hardware, 'avx512');
const avx2 = process.arch === 'x64' && isaIncludes(hardware, 'avx2');
const objdump = spawnSync('objdump', ['--version']).status === 0;
const noObjdump = objdump ? '' : '; objdump not found (binutils)';

/** Built object's vector width (from isa_bits) and whether its code names zmm / ymm registers. */
async function buildLevel(isa: string | undefined): Promise<{ bits: number; zmm: boolean; ymm: boolean }> {
  const built = await withIsa(isa, () =>
    buildSharedObject({ name: 'isa-level', source: LEVEL }, { cacheDir }),
  );
  const lib = loadLibrary(built.path);
  const bits = lib.func('isa_bits', 'int', [])() as number;
  lib.unload();
  const code = execFileSync('objdump', ['-d', '--no-show-raw-insn', built.path], { encoding: 'utf8' });
  return { bits, zmm: /%zmm\d/.test(code), ymm: /%ymm\d/.test(code) };
}

describe('UNET3D_CPU_FEATURES in native builds', () => {
  it.skipIf(!wide)(
    `avx2 adds -mno-avx512f and keys the cache apart, also after an earlier detection (needs AVX-512; this CPU: ${hardware})`,
    async () => {
      const cc = findCompiler();
      const req = { name: 'scale-isa', source: SCALE };
      // Detected (and cached) before the variable changes: the build must still see the change.
      await withIsa(undefined, () => detectCpuFeatures());
      const plain = await withIsa(undefined, async () => ({
        flags: buildFlags(req, cc),
        built: await buildSharedObject(req, { cacheDir }),
      }));
      const narrow = await withIsa('avx2', async () => ({
        flags: buildFlags(req, cc),
        built: await buildSharedObject(req, { cacheDir }),
      }));
      expect(plain.flags).not.toContain('-mno-avx512f');
      expect(narrow.flags).toContain('-mno-avx512f');
      expect(narrow.built.key).not.toBe(plain.built.key);
      expect(narrow.built.path).not.toBe(plain.built.path);
      expect(narrow.built.cached).toBe(false);
      // Back to no override: the first object again, from the cache.
      const again = await withIsa(undefined, () => buildSharedObject(req, { cacheDir }));
      expect(again).toMatchObject({ cached: true, key: plain.built.key });
    },
  );

  it.skipIf(!avx2 || !objdump)(
    `under avx2 the object takes the AVX2 path and its code has no zmm register (needs x86-64 with AVX2 and objdump; this CPU: ${hardware}${noObjdump})`,
    async () => {
      const got = await buildLevel('avx2');
      expect(got).toEqual({ bits: 256, zmm: false, ymm: true });
    },
  );

  it.skipIf(!wide || !objdump)(
    `without the override the same source takes the AVX-512 path, zmm registers and all (needs AVX-512 and objdump; this CPU: ${hardware}${noObjdump})`,
    async () => {
      const got = await buildLevel(undefined);
      expect(got).toMatchObject({ bits: 512, zmm: true });
    },
  );
});
