import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BundleResult, buildBundle } from './bundle.js';
import { repoRoot, bundleSkipReason as skipReason } from './bundle-test-support.js';
import { findPackageDir, keepFile, NATIVE_PACKAGES } from './natives.js';
import { launcherScript, readmeText } from './texts.js';

const run = promisify(execFile);

describe('native package filters', () => {
  const pkg = (name: string) => NATIVE_PACKAGES.find((p) => p.name === name)!;

  it('keeps only the linux-x64 binaries of onnxruntime-node, and its run-time JavaScript', () => {
    const ort = pkg('onnxruntime-node');
    expect(keepFile(ort, 'bin/napi-v6/linux/x64/onnxruntime_binding.node')).toBe(true);
    expect(keepFile(ort, 'bin/napi-v6/linux/x64/libonnxruntime.so.1')).toBe(true);
    expect(keepFile(ort, 'bin/napi-v6/linux/arm64/libonnxruntime.so.1')).toBe(false);
    expect(keepFile(ort, 'bin/napi-v6/darwin/arm64/libonnxruntime.1.dylib')).toBe(false);
    expect(keepFile(ort, 'bin/napi-v6/win32/x64/onnxruntime.dll')).toBe(false);
    expect(keepFile(ort, 'dist/binding.js')).toBe(true);
    expect(keepFile(ort, 'dist/binding.js.map')).toBe(false);
    expect(keepFile(ort, 'dist/binding.d.ts')).toBe(false);
    expect(keepFile(ort, 'script/install.js')).toBe(false);
    expect(keepFile(ort, 'package.json')).toBe(true);
  });

  it("keeps koffi's loaders, not its C++ sources, and the glibc koffi.node only", () => {
    expect(keepFile(pkg('koffi'), 'src/koffi/src/static.cjs')).toBe(true);
    expect(keepFile(pkg('koffi'), 'src/koffi/src/ffi.cc')).toBe(false);
    expect(keepFile(pkg('koffi'), 'doc/index.md')).toBe(false);
    expect(keepFile(pkg('@koromix/koffi-linux-x64'), 'linux_x64/koffi.node')).toBe(true);
    expect(keepFile(pkg('@koromix/koffi-linux-x64'), 'musl_x64/koffi.node')).toBe(false);
  });

  it('keeps the two DejaVu faces the report draws with, and no other font or data file', () => {
    const fonts = pkg('dejavu-fonts-ttf');
    expect(fonts.always).toBe(true);
    expect(keepFile(fonts, 'ttf/DejaVuSans.ttf')).toBe(true);
    expect(keepFile(fonts, 'ttf/DejaVuSans-Bold.ttf')).toBe(true);
    expect(keepFile(fonts, 'ttf/DejaVuSerif.ttf')).toBe(false);
    expect(keepFile(pkg('koffi'), 'assets/x.ttf')).toBe(false);
    expect(NATIVE_PACKAGES.filter((p) => p.cpuOnly).map((p) => p.name)).toEqual([
      'onnxruntime-node',
      'onnxruntime-common',
    ]);
  });

  it('finds installed packages through pnpm symlinks', () => {
    const dir = findPackageDir('koffi', join(repoRoot, 'packages', 'cuda'));
    expect(dir).toBeDefined();
    expect(existsSync(join(dir!, 'package.json'))).toBe(true);
    expect(findPackageDir('no-such-package-unet3d', join(repoRoot, 'packages', 'cuda'))).toBeUndefined();
  });

  it('writes a POSIX launcher and a read-me that says what is needed', () => {
    const sh = launcherScript();
    expect(sh.startsWith('#!/bin/sh\n')).toBe(true);
    expect(sh).toContain('exec "$node_bin" "$here/unet3d.mjs" "$@"');
    const readme = readmeText({ commit: 'abc', dirty: false, builtAt: 'now', packages: [] });
    expect(readme).toContain('./unet3d bench');
    expect(readme).toMatch(/only a Node\.js >= 20 binary/);
    expect(readme).toMatch(/Linux x64/);
  });
});

describe.skipIf(skipReason !== undefined)(
  `offline bundle, run outside the repository${skipReason ? ` (skipped: ${skipReason})` : ''}`,
  () => {
    let work: string;
    let bundle: string;
    let built: BundleResult;
    // No loader flags or module paths from the test runner may help the bundle.
    const env: NodeJS.ProcessEnv = { ...process.env };
    delete env['NODE_OPTIONS'];
    delete env['NODE_PATH'];

    // Child limits are bounds for a hang, not speed goals: a loaded 2-core machine runs these several times
    // slower than a quiet one (the bundle is built in ~40 s there).
    const node = (args: string[], timeout = 300_000) =>
      run(process.execPath, [join(bundle, 'unet3d.mjs'), ...args], {
        cwd: work,
        env,
        timeout,
        maxBuffer: 64 * 1024 * 1024,
      });

    beforeAll(async () => {
      work = mkdtempSync(join(tmpdir(), 'unet3d-bundle-test-'));
      const buildDir = join(work, 'build', 'unet3d');
      built = await buildBundle({ repoRoot, outDir: buildDir });
      // Run a copy, with the built folder gone: nothing may point back at the build place or the repository.
      bundle = join(work, 'copy', 'unet3d');
      cpSync(buildDir, bundle, { recursive: true });
      rmSync(join(work, 'build'), { recursive: true, force: true });
    }, 900_000);
    afterAll(() => {
      if (work) rmSync(work, { recursive: true, force: true });
    });

    it('has the entry, launcher, read-me and linux-x64 native modules, and stays lean', () => {
      for (const f of ['unet3d.mjs', 'unet3d', 'README.txt', 'BUILD-INFO.json']) {
        expect(existsSync(join(bundle, f)), f).toBe(true);
      }
      expect(statSync(join(bundle, 'unet3d')).mode & 0o111).not.toBe(0);
      expect(existsSync(join(bundle, 'node_modules/koffi/package.json'))).toBe(true);
      expect(existsSync(join(bundle, 'node_modules/@koromix/koffi-linux-x64/linux_x64/koffi.node'))).toBe(
        true,
      );
      expect(
        existsSync(
          join(bundle, 'node_modules/onnxruntime-node/bin/napi-v6/linux/x64/onnxruntime_binding.node'),
        ),
      ).toBe(true);
      const all = readdirSync(bundle, { recursive: true }).map(String);
      expect(all.filter((p) => /darwin|win32|arm64|musl|\.map$|\.d\.ts$/.test(p))).toEqual([]);
      expect(all.some((p) => p.split(/[\\/]/).includes('@unet3d'))).toBe(false); // workspace code is in unet3d.mjs
      expect(built.totalBytes).toBeLessThan(80e6);
      const info = JSON.parse(readFileSync(join(bundle, 'BUILD-INFO.json'), 'utf8')) as {
        packages: { name: string }[];
      };
      expect(info.packages.map((p) => p.name)).toEqual(expect.arrayContaining(['koffi', 'onnxruntime-node']));
    });

    it('runs `flops --model strided --json` with only node', async () => {
      const { stdout } = await node(['flops', '--model', 'strided', '--json']);
      const report = JSON.parse(stdout) as { model: string; layers: unknown[] };
      expect(report.model).toBe('strided');
      expect(report.layers.length).toBeGreaterThan(10);
    }, 600_000);

    it('runs `verify --backend onnxruntime --model strided` (onnxruntime-node loads from the bundle)', async () => {
      const { stdout } = await node(['verify', '--backend', 'onnxruntime', '--model', 'strided']);
      expect(stdout).toMatch(/^PASS: \d+ checks/m);
    }, 600_000);

    it('loads koffi and its native module from beside the bundle, and calls libc through it', async () => {
      // The way @unet3d/cuda loads it: createRequire(import.meta.url) of unet3d.mjs, then require('koffi').
      const script = [
        "import { createRequire } from 'node:module';",
        `const koffi = createRequire(${JSON.stringify(join(bundle, 'unet3d.mjs'))})('koffi');`,
        "const getpid = koffi.load('libc.so.6').func('int getpid()');",
        'console.log(JSON.stringify({ ok: getpid() === process.pid, version: koffi.version }));',
      ].join('\n');
      const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], {
        cwd: work,
        env,
      });
      expect(JSON.parse(stdout)).toMatchObject({ ok: true });
    });

    it('bundles the GPU backends: `verify --backend cudnn` fails on the device here, not on a missing module', async () => {
      const r = await node(['verify', '--backend', 'cudnn', '--model', 'strided']).then(
        (ok) => ({ code: 0, stderr: ok.stderr }),
        (err: { code?: number; stderr?: string }) => ({
          code: err.code ?? -1,
          stderr: String(err.stderr ?? ''),
        }),
      );
      expect(r.stderr).not.toMatch(
        /not installed|Cannot find (module|package)|ERR_MODULE_NOT_FOUND|koffi could not/,
      );
    }, 600_000);

    it('runs a bench row in a child process of the bundle (process.argv[1] is unet3d.mjs)', async () => {
      const results = join(work, 'results');
      const { stdout, stderr } = await node(
        [
          'bench',
          '--quick',
          '--backends',
          'onnxruntime',
          '--rows',
          'strided-cudnn',
          '--input',
          '16,32,32',
          '--batch',
          '2',
          '--iterations',
          '1',
          '--warmup',
          '0',
          '--profile-iterations',
          '0',
          '--no-report',
          '--results',
          results,
        ],
        600_000,
      );
      expect(`${stdout}${stderr}`).toMatch(/strided-cudnn\s+onnxruntime\s+ok/);
    }, 900_000);
  },
);
