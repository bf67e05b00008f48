import { spawn, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, openSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { makeDirectorySync } from '@unet3d/core';
import { type CCompiler, findCompiler } from './compiler.js';
import { detectCpuFeatures, isaLimitFlags } from './cpu-features.js';
import { CompileError } from './errors.js';

/** One shared object to build from C source. */
export interface BuildRequest {
  /** What is built, for messages and the cached file's name, e.g. 'cpu-ops' or 'conv3d_fwd_cfg17'. */
  name: string;
  /** The complete C source. */
  source: string;
  /** Compiler flags; default DEFAULT_FLAGS. `-fopenmp` is added when `openmp` is set and supported. */
  flags?: string[];
  openmp?: boolean;
}

export interface BuildOptions {
  /** Default: findCompiler(). */
  compiler?: CCompiler;
  /** Default: $UNET3D_NATIVE_CACHE, else ~/.cache/unet3d/native. */
  cacheDir?: string;
  /** Kill the compiler after this long (ms); default 120 000. */
  timeoutMs?: number;
}

export interface BuiltObject {
  /** Absolute path of the shared object. */
  path: string;
  /** True when it came from the disk cache (no compiler run). */
  cached: boolean;
  /** Wall time of this call, ms (compile, or cache lookup). */
  buildMs: number;
  /** sha256 (hex) of source, compiler version text and final flags: the cache key. */
  key: string;
}

/** Optimised, tuned for this CPU, position-independent shared object. */
export const DEFAULT_FLAGS: readonly string[] = ['-O3', '-march=native', '-fPIC', '-shared'];

export function defaultCacheDir(env: Readonly<Record<string, string | undefined>> = process.env): string {
  return env.UNET3D_NATIVE_CACHE || path.join(os.homedir(), '.cache', 'unet3d', 'native');
}

/**
 * Final flags of a request on a compiler: adds -fopenmp when asked and supported, and, with `-march=native`
 * under a UNET3D_CPU_FEATURES override, the -mno-… flags that keep the code within the overridden ISA level.
 * The override is read from process.env at each call (detectCpuFeatures caches the hardware, not the
 * override), so a build agrees with the features the caller sees at that moment; the flags are part of the
 * cache key, so an object built under one level is never reused under another.
 */
export function buildFlags(req: BuildRequest, compiler: CCompiler): string[] {
  const flags = [...(req.flags ?? DEFAULT_FLAGS)];
  if (flags.includes('-march=native')) {
    for (const f of isaLimitFlags(detectCpuFeatures())) if (!flags.includes(f)) flags.push(f);
  }
  if (req.openmp && compiler.supportsOpenMp && !flags.includes('-fopenmp')) {
    // -z nodelete: the object (and the OpenMP runtime it pulls in) stays mapped for the life of the process.
    // Unloading it while OpenMP's idle worker threads still run libgomp code crashes the process at exit.
    flags.push('-fopenmp', '-Wl,-z,nodelete');
  }
  return flags;
}

const resolvedNative = new Map<string, string>();

/**
 * What `-march=native` (with the other -m flags) means to this compiler on this CPU: the target options the
 * driver passes to its compiler proper (`cc -### -E`: gcc's `-march=znver3 -mavx512f …`, clang's
 * `-target-cpu … -target-feature …`). A cache in a home directory shared by two CPUs then keys their builds
 * apart (a build for one CPU on another is an illegal instruction or silently slower code). Flags without
 * `-march=native`/`-mcpu=native` resolve to themselves. Cached per compiler and flags for the process.
 */
export function resolvedTargetFlags(compiler: CCompiler, flags: readonly string[]): string {
  const native = flags.some((f) => f === '-march=native' || f === '-mcpu=native' || f === '-mtune=native');
  if (!native) return '';
  const mflags = flags.filter((f) => f.startsWith('-m'));
  const cacheKey = `${compiler.path}\0${mflags.join(' ')}`;
  const hit = resolvedNative.get(cacheKey);
  if (hit !== undefined) return hit;
  const r = spawnSync(compiler.path, [...mflags, '-###', '-E', '-x', 'c', '/dev/null'], {
    encoding: 'utf8',
    timeout: 15_000,
  });
  // The driver's whole answer (its compiler-proper command line names the resolved CPU and features); it is
  // the same text for the same compiler on the same CPU. Without it, this CPU's identity stands in.
  const text = `${r.stdout ?? ''}${r.stderr ?? ''}`.trim();
  const resolved = r.status === 0 && text ? text : `cpu:${detectCpuFeatures().slug}`;
  resolvedNative.set(cacheKey, resolved);
  return resolved;
}

/**
 * sha256 over source, compiler version text, flags and what `-march=native` resolves to on this CPU
 * (NUL-separated).
 */
export function buildKey(source: string, compiler: CCompiler, flags: readonly string[]): string {
  return createHash('sha256')
    .update(source)
    .update('\0')
    .update(compiler.versionText)
    .update('\0')
    .update(flags.join(' '))
    .update('\0')
    .update(resolvedTargetFlags(compiler, flags))
    .digest('hex');
}

const safeName = (name: string): string => name.replace(/[^A-Za-z0-9_.-]+/g, '_').slice(0, 80) || 'lib';

/**
 * Build `req.source` into a shared object, or return the cached one. The cache lives in `cacheDir`, keyed by
 * buildKey(); a new object is compiled under a unique temporary name, fsynced and renamed into place, so
 * concurrent builders of the same key (threads or processes) are safe and a reader never sees half a file.
 * Throws CompileError naming `req.name`, the compiler and its first error line (the source of a failed build
 * is kept under `<cacheDir>/failed/` and named in the hint); a compile over `timeoutMs` is killed.
 */
export async function buildSharedObject(req: BuildRequest, options: BuildOptions = {}): Promise<BuiltObject> {
  const plan = planBuild(req, options);
  if (plan.cached) return plan.cached;
  try {
    const run = await runCompiler(plan.compiler.path, plan.args, plan.timeoutMs);
    return finishBuild(plan, run);
  } finally {
    plan.cleanUp();
  }
}

/**
 * buildSharedObject, synchronously (spawnSync): for a device built in a constructor. Same cache, key, atomic
 * rename and errors; blocks the event loop while the compiler runs (a cached object is only a stat).
 */
export function buildSharedObjectSync(req: BuildRequest, options: BuildOptions = {}): BuiltObject {
  const plan = planBuild(req, options);
  if (plan.cached) return plan.cached;
  try {
    const r = spawnSync(plan.compiler.path, plan.args, {
      encoding: 'utf8',
      stdio: ['ignore', 'ignore', 'pipe'],
      timeout: plan.timeoutMs,
      killSignal: 'SIGKILL',
    });
    const timedOut = (r.error as NodeJS.ErrnoException | undefined)?.code === 'ETIMEDOUT';
    return finishBuild(plan, {
      code: r.status,
      stderr: r.stderr ?? '',
      timedOut,
      ...(r.error && !timedOut ? { spawnError: r.error.message } : {}),
    });
  } finally {
    plan.cleanUp();
  }
}

interface CompilerRun {
  code: number | null;
  stderr: string;
  timedOut: boolean;
  spawnError?: string;
}

interface BuildPlan {
  req: BuildRequest;
  compiler: CCompiler;
  cacheDir: string;
  key: string;
  out: string;
  src: string;
  tmp: string;
  args: string[];
  timeoutMs: number;
  t0: number;
  /** Set when the object is already in the cache (nothing to build). */
  cached?: BuiltObject;
  cleanUp(): void;
}

/** Resolve compiler, flags, key and paths; write the source to a unique temp file unless the object is cached. */
function planBuild(req: BuildRequest, options: BuildOptions): BuildPlan {
  const t0 = performance.now();
  const compiler = options.compiler ?? findCompiler();
  const cacheDir = options.cacheDir ?? defaultCacheDir();
  const flags = buildFlags(req, compiler);
  const key = buildKey(req.source, compiler, flags);
  const out = path.join(cacheDir, `${safeName(req.name)}-${key.slice(0, 24)}.so`);
  const tag = `${process.pid}-${randomBytes(6).toString('hex')}`;
  const src = path.join(cacheDir, `${safeName(req.name)}-${key.slice(0, 24)}.${tag}.c`);
  const tmp = `${out}.${tag}.tmp`;
  const plan: BuildPlan = {
    req,
    compiler,
    cacheDir,
    key,
    out,
    src,
    tmp,
    args: [...flags, '-o', tmp, src],
    timeoutMs: options.timeoutMs ?? 120_000,
    t0,
    cleanUp() {
      rmSync(src, { force: true });
      rmSync(tmp, { force: true });
    },
  };
  if (existsSync(out)) {
    plan.cached = { path: out, cached: true, buildMs: performance.now() - t0, key };
    return plan;
  }
  makeDirectorySync(cacheDir);
  writeFileSync(src, req.source);
  return plan;
}

/** Turn a finished compiler run into the cached object (fsync + atomic rename) or a one-line CompileError. */
function finishBuild(plan: BuildPlan, run: CompilerRun): BuiltObject {
  const { req, compiler, cacheDir, key, out, src, tmp } = plan;
  const shown = `${path.basename(compiler.path)} ${compiler.version}`;
  if (run.spawnError) {
    throw new CompileError(
      req.name,
      `could not start ${shown} to build '${req.name}': ${run.spawnError}`,
      '',
    );
  }
  if (run.timedOut) {
    throw new CompileError(
      req.name,
      `building '${req.name}' with ${shown} timed out after ${plan.timeoutMs} ms (compiler killed)`,
      run.stderr,
      'raise the build timeout or simplify the generated source',
    );
  }
  if (run.code !== 0 || !existsSync(tmp)) {
    const kept = keepFailedSource(cacheDir, req, key);
    const first = firstErrorLine(run.stderr, src, `${safeName(req.name)}.c`) || `exit code ${run.code}`;
    throw new CompileError(
      req.name,
      `building '${req.name}' with ${shown} failed: ${first}`,
      run.stderr,
      kept ? `the source is kept at ${kept}` : undefined,
    );
  }
  const fd = openSync(tmp, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, out);
  return { path: out, cached: false, buildMs: performance.now() - plan.t0, key };
}

/** The compiler's first line that reports an error (else its first non-empty line), with the temp path renamed. */
export function firstErrorLine(stderr: string, tempSource: string, shownSource: string): string {
  const lines = stderr
    .split('\n')
    .map((l) => l.split(tempSource).join(shownSource).trim())
    .filter(Boolean);
  const at = lines.findIndex((l) => /\berror\b/i.test(l));
  if (at < 0) return lines[0] ?? '';
  // gcc and clang name the enclosing function on an earlier line ("In function 'unet3d_elu':"): keep it.
  const fn = lines
    .slice(0, at)
    .map((l) => /In function [‘'`"]([^’'`"]+)/.exec(l)?.[1])
    .filter(Boolean)
    .pop();
  return fn ? `in ${fn}: ${lines[at]}` : lines[at]!;
}

function keepFailedSource(cacheDir: string, req: BuildRequest, key: string): string | undefined {
  try {
    const dir = path.join(cacheDir, 'failed');
    makeDirectorySync(dir);
    const file = path.join(dir, `${safeName(req.name)}-${key.slice(0, 24)}.c`);
    writeFileSync(file, req.source);
    return file;
  } catch {
    return undefined;
  }
}

function runCompiler(
  file: string,
  args: string[],
  timeoutMs: number,
): Promise<{ code: number | null; stderr: string; timedOut: boolean; spawnError?: string }> {
  return new Promise((resolve) => {
    // Own process group, so a timeout kills the driver and its children (cc1, as, ld) together.
    const child = spawn(file, args, { stdio: ['ignore', 'ignore', 'pipe'], detached: true });
    let stderr = '';
    let timedOut = false;
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (d: string) => {
      if (stderr.length < 1 << 20) stderr += d;
    });
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
    }, timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      resolve({ code: null, stderr, timedOut, spawnError: err.message });
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr, timedOut });
    });
  });
}

export type BuildManyResult =
  | ({ ok: true; name: string } & BuiltObject)
  | { ok: false; name: string; error: string; cause: unknown };

/**
 * Build many sources with up to `parallelism` compiler processes at once (default: available cores). Never
 * throws for a bad source: each result is `{ ok: true, path, ... }` or `{ ok: false, error }` (one line), in
 * the order of `reqs`.
 */
export async function buildMany(
  reqs: readonly BuildRequest[],
  options: BuildOptions & { parallelism?: number } = {},
): Promise<BuildManyResult[]> {
  const compiler = options.compiler ?? findCompiler();
  const parallelism = Math.max(1, options.parallelism ?? os.availableParallelism());
  const results: BuildManyResult[] = new Array(reqs.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let i = next++; i < reqs.length; i = next++) {
      const req = reqs[i]!;
      try {
        results[i] = {
          ok: true,
          name: req.name,
          ...(await buildSharedObject(req, { ...options, compiler })),
        };
      } catch (err) {
        const error = err instanceof CompileError ? err.toOneLine() : (err as Error).message;
        results[i] = { ok: false, name: req.name, error, cause: err };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(parallelism, reqs.length) }, worker));
  return results;
}
