import { spawnSync } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { NativeUnavailableError } from './errors.js';

/** A C compiler found on this machine and probed once. */
export interface CCompiler {
  /** Absolute path of the compiler driver. */
  readonly path: string;
  readonly family: 'gcc' | 'clang' | 'unknown';
  /** e.g. "12.2.0" (`-dumpfullversion`), or the first version-looking token of `--version`. */
  readonly version: string;
  /** First line of `--version`: part of every build's cache key. */
  readonly versionText: string;
  /** Whether `-fopenmp` compiles and links a shared object that uses an OpenMP pragma and omp_get_max_threads. */
  readonly supportsOpenMp: boolean;
}

export interface FindCompilerOptions {
  /** A compiler name or path; overrides `env.CC`. */
  cc?: string;
  /** Environment to read `CC` and `PATH` from (default: process.env). */
  env?: Readonly<Record<string, string | undefined>>;
}

const INSTALL_HINT = 'install gcc or clang (e.g. `apt-get install gcc`), or set CC to a C compiler';
const probed = new Map<string, CCompiler>();

/** The first executable file named `name` on `pathVar`, or `name` itself when it contains a slash and runs. */
function resolveProgram(name: string, pathVar: string): string | undefined {
  const isExec = (p: string): boolean => {
    try {
      accessSync(p, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  };
  if (name.includes('/')) return isExec(name) ? path.resolve(name) : undefined;
  for (const dir of pathVar.split(path.delimiter)) {
    if (!dir) continue;
    const p = path.join(dir, name);
    if (isExec(p)) return p;
  }
  return undefined;
}

/**
 * The C compiler to use: `options.cc`, else `$CC`, else the first of `cc`, `gcc`, `clang` on PATH. Probed once
 * per path (version, family, OpenMP support by compiling a tiny file); later calls return the cached result.
 * Throws NativeUnavailableError (one line + hint) when none is found, or when `CC` names a missing program.
 */
export function findCompiler(options: FindCompilerOptions = {}): CCompiler {
  const env = options.env ?? process.env;
  const pathVar = env.PATH ?? '';
  const requested = options.cc ?? (env.CC?.trim() ? env.CC.trim() : undefined);
  let found: string | undefined;
  if (requested !== undefined) {
    found = resolveProgram(requested, pathVar);
    if (!found) {
      throw new NativeUnavailableError(
        `C compiler '${requested}' (from ${options.cc !== undefined ? 'the cc option' : 'CC'}) not found`,
        'set CC to an installed C compiler (gcc or clang), or unset it to use cc/gcc/clang from PATH',
      );
    }
  } else {
    for (const name of ['cc', 'gcc', 'clang']) {
      found = resolveProgram(name, pathVar);
      if (found) break;
    }
    if (!found)
      throw new NativeUnavailableError('no C compiler found (cc, gcc, clang on PATH)', INSTALL_HINT);
  }
  const hit = probed.get(found);
  if (hit) return hit;
  const compiler = probe(found, requested ?? path.basename(found));
  probed.set(found, compiler);
  return compiler;
}

function probe(file: string, shown: string): CCompiler {
  const v = spawnSync(file, ['--version'], { encoding: 'utf8', timeout: 15_000 });
  if (v.error || v.status !== 0) {
    const why = v.error ? v.error.message : `exit code ${v.status}`;
    throw new NativeUnavailableError(
      `C compiler '${shown}' (${file}) does not run: ${why.split('\n')[0]}`,
      INSTALL_HINT,
    );
  }
  const versionText = (v.stdout.split('\n')[0] ?? '').trim();
  const lower = v.stdout.toLowerCase();
  const family = lower.includes('clang')
    ? 'clang'
    : /gcc|free software foundation/.test(lower)
      ? 'gcc'
      : 'unknown';
  const dump = spawnSync(file, ['-dumpfullversion'], { encoding: 'utf8', timeout: 15_000 });
  const dumped = dump.status === 0 ? dump.stdout.trim() : '';
  const version = /^\d+(\.\d+)*$/.test(dumped)
    ? dumped
    : (/\d+\.\d+(\.\d+)?/.exec(versionText)?.[0] ?? 'unknown');
  return { path: file, family, version, versionText, supportsOpenMp: probeOpenMp(file) };
}

function probeOpenMp(file: string): boolean {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'unet3d-omp-'));
  try {
    const src = path.join(dir, 'omp.c');
    writeFileSync(
      src,
      '#include <omp.h>\nint f(float *x, int n) {\n#pragma omp parallel for\nfor (int i = 0; i < n; i++) x[i] += 1;\nreturn omp_get_max_threads();\n}\n',
    );
    const r = spawnSync(file, ['-fopenmp', '-fPIC', '-shared', '-o', path.join(dir, 'omp.so'), src], {
      timeout: 30_000,
    });
    return r.status === 0;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
