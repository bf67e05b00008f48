import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import type { Plugin } from 'esbuild';
import {
  externalNames,
  findPackageDir,
  keepFile,
  NATIVE_PACKAGES,
  type NativePackage,
  parentOf,
  toPosix,
} from './natives.js';
import { folderSize, prepareOutDir } from './out-dir.js';
import { packTarXz } from './pack-tar-xz.js';
import {
  BUILD_INFO_FILE,
  ENTRY_FILE,
  LAUNCHER_FILE,
  launcherScript,
  MIN_NODE_MAJOR,
  README_FILE,
  readmeText,
} from './texts.js';
import { workerEntryPoints } from './workers.js';

export { packTarXz } from './pack-tar-xz.js';
export { workerEntryPoints } from './workers.js';

export interface BundleOptions {
  /** The monorepo root (holds packages/bench). */
  repoRoot: string;
  /** The folder to (re)create; default `<repoRoot>/dist-bundle/unet3d`. */
  outDir?: string;
  /** Minify the JavaScript (smaller, but stack traces get harder to read). Default false. */
  minify?: boolean;
  /** Write unet3d.mjs.map beside the bundle. Default false. */
  sourcemap?: boolean;
  /**
   * The GPU bundle: without the CPU backend's onnxruntime binaries (NativePackage.cpuOnly), packed as
   * `<outDir>.tar.xz` beside the folder (GPU_BUNDLE_MAX_BYTES at most, else an error). Default false.
   */
  gpu?: boolean;
  /** Progress lines. */
  log?: (line: string) => void;
}

/** Largest accepted GPU bundle archive (it must travel with a short GPU lease: the device call carries at most 64 MiB). */
export const GPU_BUNDLE_MAX_BYTES = 20e6;

export interface BundledPackage {
  name: string;
  version: string;
  files: number;
  bytes: number;
}

export interface BundleResult {
  outDir: string;
  entry: string;
  /** Bytes of unet3d.mjs. */
  entryBytes: number;
  /** Bytes of everything in the folder. */
  totalBytes: number;
  files: number;
  packages: BundledPackage[];
  /** esbuild's warnings, one line each (e.g. optional requires left to run time). */
  warnings: string[];
  /** The GPU bundle's `.tar.xz` (path and bytes), when `gpu` was set. */
  archive?: { path: string; bytes: number };
  /** The measure workers emitted beside the entry (`<name>.mjs`, see workerEntryPoints). */
  workers: string[];
}

function git(repoRoot: string, args: string[]): string | undefined {
  try {
    return execFileSync('git', args, { cwd: repoRoot, stdio: ['ignore', 'pipe', 'ignore'] })
      .toString()
      .trim();
  } catch {
    return undefined;
  }
}

const NATIVE_NAMESPACE = 'unet3d-native';

/**
 * Keep the native packages out of the bundle and note which ones the bundled code imports. An import of one
 * becomes a tiny CommonJS module, `module.exports = require('<name>')`, whose require is left to run time
 * (the banner's createRequire resolves it in node_modules beside the bundle). Being CommonJS, it runs when
 * first needed, not at start-up: a plain external ESM import would be hoisted to the top of the bundle, so
 * every command (even `flops`) would load onnxruntime's 46 MB library, and fail with it.
 */
function nativeExternalsPlugin(used: Set<string>): Plugin {
  const names = externalNames();
  const escaped = names.map((n) => n.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'));
  const filter = new RegExp(`^(${escaped.join('|')})(/.*)?$`);
  return {
    name: 'unet3d-native-externals',
    setup(build) {
      build.onResolve({ filter }, (args) => {
        const name = names.find((n) => args.path === n || args.path.startsWith(`${n}/`));
        if (name) used.add(name);
        if (args.namespace === NATIVE_NAMESPACE) return { path: args.path, external: true };
        return { path: args.path, namespace: NATIVE_NAMESPACE };
      });
      build.onLoad({ filter: /.*/, namespace: NATIVE_NAMESPACE }, (args) => ({
        contents: `module.exports = require(${JSON.stringify(args.path)});\n`,
        loader: 'js',
        resolveDir: build.initialOptions.absWorkingDir ?? process.cwd(),
      }));
    },
  };
}

function copyPackage(pkg: NativePackage, srcDir: string, destDir: string): { files: number; bytes: number } {
  let files = 0;
  let bytes = 0;
  const walk = (dir: string): void => {
    for (const ent of readdirSync(dir, { withFileTypes: true })) {
      const abs = join(dir, ent.name);
      const rel = toPosix(relative(srcDir, abs));
      if (ent.isDirectory()) {
        if (ent.name === 'node_modules') continue;
        walk(abs);
        continue;
      }
      if (!ent.isFile() && !ent.isSymbolicLink()) continue;
      if (!keepFile(pkg, rel)) continue;
      const dest = join(destDir, rel);
      mkdirSync(dirname(dest), { recursive: true });
      copyFileSync(abs, dest); // follows symlinks: the bundle holds plain files
      chmodSync(dest, statSync(abs).mode & 0o777);
      files += 1;
      bytes += statSync(dest).size;
    }
  };
  walk(srcDir);
  return { files, bytes };
}

/**
 * Build the offline bundle: esbuild bundles the `unet3d` CLI from its TypeScript sources (condition
 * `@unet3d/source`) into one ESM file; the packages with native code are copied beside it as package folders
 * (linux-x64 binaries only) so their own loaders find their `.node` files; then a launcher, a read-me and
 * the build information. The result runs with a bare `node` binary.
 */
export async function buildBundle(options: BundleOptions): Promise<BundleResult> {
  const log = options.log ?? (() => {});
  const repoRoot = resolve(options.repoRoot);
  const outDir = resolve(
    options.outDir ?? join(repoRoot, 'dist-bundle', options.gpu ? 'unet3d-gpu' : 'unet3d'),
  );
  const entrySource = join(repoRoot, 'packages', 'bench', 'src', 'bin.ts');
  if (!existsSync(entrySource)) throw new Error(`not the unet3d-bench repository root: ${repoRoot}`);
  const esbuild = await import('esbuild');

  prepareOutDir(outDir);
  const entry = join(outDir, ENTRY_FILE);
  const used = new Set<string>();
  const workers = workerEntryPoints(repoRoot);
  log(
    `esbuild ${esbuild.version}: bundling packages/bench/src/bin.ts → ${relative(repoRoot, entry)}, ` +
      `and the measure workers ${Object.keys(workers).join(', ')} beside it`,
  );
  const result = await esbuild.build({
    absWorkingDir: repoRoot,
    // One self-contained file per entry (no shared chunks): the CLI, and each measure worker.
    entryPoints: { [ENTRY_FILE.replace(/\.mjs$/, '')]: entrySource, ...workers },
    outdir: outDir,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: `node${MIN_NODE_MAJOR}`,
    conditions: ['@unet3d/source'],
    mainFields: ['module', 'main'],
    // CommonJS dependencies call require() (node builtins, optional peers): give the ESM bundle one.
    banner: {
      js: "import { createRequire as __unet3dCreateRequire } from 'node:module';\nconst require = __unet3dCreateRequire(import.meta.url);",
    },
    plugins: [nativeExternalsPlugin(used)],
    minify: options.minify ?? false,
    sourcemap: options.sourcemap ? 'external' : false,
    legalComments: 'eof',
    charset: 'utf8',
    logLevel: 'silent',
  });
  const warnings = result.warnings.map(
    (w) => `${w.location ? `${w.location.file}:${w.location.line}: ` : ''}${w.text}`,
  );

  const packages: BundledPackage[] = [];
  const dirs = new Map<string, string>();
  for (const pkg of NATIVE_PACKAGES) {
    if (options.gpu && pkg.cpuOnly) continue;
    const parent = parentOf(pkg);
    const wanted = pkg.always || used.has(pkg.name) || (parent !== undefined && used.has(parent.name));
    if (!wanted) continue;
    const from = parent ? dirs.get(parent.name) : join(repoRoot, pkg.resolveFrom);
    const src = from ? findPackageDir(pkg.name, from) : undefined;
    if (!src) {
      throw new Error(
        `cannot find ${pkg.name} (needed at run time) from ${pkg.resolveFrom}: run \`pnpm install\` first`,
      );
    }
    dirs.set(pkg.name, src);
    const version = (JSON.parse(readFileSync(join(src, 'package.json'), 'utf8')) as { version: string })
      .version;
    const copied = copyPackage(pkg, src, join(outDir, 'node_modules', ...pkg.name.split('/')));
    packages.push({ name: pkg.name, version, ...copied });
    log(`copied ${pkg.name}@${version}: ${copied.files} files, ${(copied.bytes / 1e6).toFixed(1)} MB`);
  }

  const commit = git(repoRoot, ['rev-parse', 'HEAD']) ?? 'unknown';
  const dirty = (git(repoRoot, ['--no-optional-locks', 'status', '--porcelain']) ?? '') !== '';
  const builtAt = new Date().toISOString();
  // The PyTorch peer (`bench --peer` finds it at pytorch-peer/train_step.py beside unet3d.mjs).
  const peerScript = join(repoRoot, 'scripts', 'pytorch-peer', 'train_step.py');
  if (existsSync(peerScript)) {
    mkdirSync(join(outDir, 'pytorch-peer'), { recursive: true });
    copyFileSync(peerScript, join(outDir, 'pytorch-peer', 'train_step.py'));
  }
  const launcher = join(outDir, LAUNCHER_FILE);
  writeFileSync(launcher, launcherScript());
  chmodSync(launcher, 0o755);
  writeFileSync(join(outDir, README_FILE), readmeText({ commit, dirty, builtAt, packages }));
  writeFileSync(
    join(outDir, BUILD_INFO_FILE),
    `${JSON.stringify(
      {
        schemaVersion: 1,
        gitCommit: commit,
        gitDirty: dirty,
        builtAt,
        builtWith: { node: process.versions.node, esbuild: esbuild.version },
        platform: 'linux-x64-glibc',
        variant: options.gpu ? 'gpu (no onnxruntime: the CPU backend is not included)' : 'full',
        minNode: MIN_NODE_MAJOR,
        workers: Object.keys(workers).map((w) => `${w}.mjs`),
        packages: packages.map(({ name, version }) => ({ name, version })),
      },
      null,
      2,
    )}\n`,
  );

  const total = folderSize(outDir);
  let archive: BundleResult['archive'];
  if (options.gpu) {
    archive = packTarXz(outDir);
    log(`packed ${relative(repoRoot, archive.path)}: ${(archive.bytes / 1e6).toFixed(1)} MB`);
    if (archive.bytes > GPU_BUNDLE_MAX_BYTES) {
      throw new Error(
        `the GPU bundle ${archive.path} is ${(archive.bytes / 1e6).toFixed(1)} MB, over the ${GPU_BUNDLE_MAX_BYTES / 1e6} MB limit: ` +
          'find what grew (BUILD-INFO.json lists the packages)',
      );
    }
  }
  return {
    ...(archive ? { archive } : {}),
    outDir,
    entry,
    entryBytes: statSync(entry).size,
    totalBytes: total.bytes,
    files: total.files,
    packages,
    warnings,
    workers: Object.keys(workers).map((w) => join(outDir, `${w}.mjs`)),
  };
}
