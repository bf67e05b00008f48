import { existsSync, realpathSync } from 'node:fs';
import { dirname, join, sep } from 'node:path';

/**
 * The npm packages the bundle keeps external and copies beside it as package folders, because they load
 * native code relative to their own files (koffi's and onnxruntime-node's loaders `require` a `.node` file
 * by a path built from `__dirname`, platform and arch; resvg's tries a sibling file, then a package). Their
 * JavaScript stays byte-for-byte what npm shipped, so their loaders work unchanged; only linux-x64 (glibc)
 * binaries are kept.
 */
export interface NativePackage {
  /** The package name, as imported. */
  name: string;
  /** Where to resolve it from: a workspace folder (relative to the repository root) or another entry's name. */
  resolveFrom: string;
  /**
   * Copied whatever the bundle's import graph says: koffi is loaded through `createRequire(import.meta.url)`
   * (so esbuild never sees it), and a companion is `require`d by its parent's own loader.
   */
  always: boolean;
  /** Keep this native file (a path relative to the package folder, '/'-separated)? */
  keepNative(rel: string): boolean;
  /** Folders (first path segment) never copied. */
  skipDirs?: readonly string[];
  /** Keep this data file (fonts: `.ttf`) — by default a package's data files are not copied. */
  keepAsset?(rel: string): boolean;
  /** Needed only by the CPU backend: left out of the GPU bundle (`pnpm bundle --gpu`). */
  cpuOnly?: boolean;
}

export const NATIVE_PACKAGES: readonly NativePackage[] = [
  {
    name: 'koffi',
    resolveFrom: 'packages/cuda',
    always: true,
    // koffi 3 ships no binary itself; its loader requires @koromix/koffi-<platform>-<arch> (below) first.
    keepNative: () => false,
    skipDirs: ['doc', 'vendor', 'lib'],
  },
  {
    name: '@koromix/koffi-linux-x64',
    resolveFrom: 'koffi',
    always: true,
    // glibc only: the CUDA driver and cuDNN are glibc libraries, so a musl Node cannot use them anyway.
    keepNative: (rel) => rel === 'linux_x64/koffi.node',
  },
  {
    name: 'onnxruntime-node',
    resolveFrom: 'packages/backend-onnxruntime',
    always: false,
    // onnxruntime_binding.node (RUNPATH $ORIGIN) and the libonnxruntime.so.1 beside it.
    keepNative: (rel) => rel.startsWith('bin/napi-v') && rel.includes('/linux/x64/'),
    // script/ is the postinstall downloader (adm-zip, global-agent): never needed at run time.
    skipDirs: ['script', 'lib'],
    cpuOnly: true,
  },
  {
    name: 'onnxruntime-common',
    resolveFrom: 'onnxruntime-node',
    always: false,
    keepNative: () => false,
    skipDirs: ['lib'],
    cpuOnly: true,
  },
  {
    name: '@resvg/resvg-js',
    resolveFrom: 'packages/report',
    always: false,
    keepNative: () => false,
  },
  {
    name: '@resvg/resvg-js-linux-x64-gnu',
    resolveFrom: '@resvg/resvg-js',
    always: false,
    keepNative: (rel) => rel === 'resvgjs.linux-x64-gnu.node',
  },
  {
    // The figures' font (packages/report figures/fonts.ts): `require.resolve`d at run time, so esbuild never
    // sees it; only the two faces the report draws with.
    name: 'dejavu-fonts-ttf',
    resolveFrom: 'packages/report',
    always: true,
    keepNative: () => false,
    keepAsset: (rel) => rel === 'ttf/DejaVuSans.ttf' || rel === 'ttf/DejaVuSans-Bold.ttf',
  },
];

/** The parent entry a companion is resolved from (and copied with), if any. */
export function parentOf(pkg: NativePackage): NativePackage | undefined {
  return NATIVE_PACKAGES.find((p) => p.name === pkg.resolveFrom);
}

/** Names the bundler marks external: every entry that is imported by bundled code (not companions). */
export function externalNames(): string[] {
  return NATIVE_PACKAGES.filter((p) => !parentOf(p)).map((p) => p.name);
}

const NATIVE_FILE = /\.(node|dylib|dll)$|\.so(\.\d+)*$/;
const CODE_FILE = /\.(js|cjs|mjs|json)$/;
const LICENSE_FILE = /^(licen[sc]e|copying|notice)(\.[a-z]+)?$/i;
const ASSET_FILE = /\.ttf$/;

/** Should this file of a native package go into the bundle? `rel` is '/'-separated, relative to the package. */
export function keepFile(pkg: NativePackage, rel: string): boolean {
  const parts = rel.split('/');
  const base = parts[parts.length - 1] ?? '';
  if (parts.includes('node_modules')) return false;
  if (parts.length > 1 && pkg.skipDirs?.includes(parts[0] ?? '')) return false;
  if (NATIVE_FILE.test(base)) return pkg.keepNative(rel);
  if (ASSET_FILE.test(base)) return pkg.keepAsset?.(rel) ?? false;
  if (LICENSE_FILE.test(base)) return true;
  if (base.endsWith('.map') || base.startsWith('tsconfig')) return false;
  return CODE_FILE.test(base);
}

/**
 * Node's package lookup without `exports` (which may not expose package.json): the first
 * `node_modules/<name>` with a package.json walking up from `fromDir`, with symlinks (pnpm) resolved.
 */
export function findPackageDir(name: string, fromDir: string): string | undefined {
  let dir = fromDir;
  for (;;) {
    const candidate = join(dir, 'node_modules', ...name.split('/'));
    if (existsSync(join(candidate, 'package.json'))) return realpathSync(candidate);
    const up = dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
}

/** Turn a platform path relative to a package into the '/'-separated form keepFile expects. */
export function toPosix(rel: string): string {
  return sep === '/' ? rel : rel.split(sep).join('/');
}
