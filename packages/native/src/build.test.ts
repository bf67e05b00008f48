import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildMany, buildSharedObject, buildSharedObjectSync } from './build.js';
import { findCompiler } from './compiler.js';
import { CompileError, NativeUnavailableError } from './errors.js';
import { loadLibrary } from './library.js';

const cacheDir = mkdtempSync(path.join(os.tmpdir(), 'unet3d-native-test-'));
afterAll(() => rmSync(cacheDir, { recursive: true, force: true }));

const SCALE = `#include <stdint.h>
void scale(float *x, int64_t n, float a) { for (int64_t i = 0; i < n; i++) x[i] *= a; }
`;

describe('findCompiler', () => {
  it('finds gcc/cc and probes its version and OpenMP', () => {
    const cc = findCompiler();
    expect(cc.family).toBe('gcc');
    expect(cc.version).toMatch(/^\d+\.\d+/);
    expect(cc.versionText).toContain(cc.version);
    expect(cc.supportsOpenMp).toBe(true);
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
    expect(line).toContain("building 'broken-op' with cc 12");
    expect(line).toMatch(/broken-op\.c:2:\d+: error: .undeclared_thing. undeclared/);
    expect(line).not.toContain('also_missing'); // only the first error line
    expect(line.split('\n')).toHaveLength(1);
  });

  it('a compiler that runs too long is killed and reported as a timeout', async () => {
    // A sleeping "compiler" (sh) is the stand-in for a hung build: the error path under test is the timeout.
    const sleeper = {
      path: '/bin/sh',
      family: 'unknown' as const,
      version: '0',
      versionText: 'sh',
      supportsOpenMp: false,
    };
    const t0 = Date.now();
    const err = await buildSharedObject(
      { name: 'slow', source: 'x', flags: ['-c', 'sleep 5'] },
      { cacheDir, compiler: sleeper, timeoutMs: 200 },
    ).catch((e: unknown) => e);
    expect(Date.now() - t0).toBeLessThan(3000);
    expect((err as CompileError).message).toMatch(/'slow' .* timed out after 200 ms/);
  });
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
      /building 'bad-sync' with cc .*bad-sync\.c:1:\d+: error: expected expression/,
    );
  });
});
