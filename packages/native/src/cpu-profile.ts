import { readFileSync } from 'node:fs';
import os from 'node:os';
import { type BuildOptions, buildSharedObject } from './build.js';
import { type CCompiler, findCompiler } from './compiler.js';
import { type CpuFeatures, detectCpuFeatures } from './cpu-features.js';
import { loadLibrary } from './library.js';

/** Measured roofs of this CPU: a CPU has no vendor spec sheet to table, so its device profile is measured. */
export interface CpuProfile {
  /** fp32 FLOP/s of a fused-multiply-add loop on every core (independent accumulators, widest vectors). */
  peakFp32FlopsPerSec: number;
  /**
   * Memory bandwidth in bytes/s, STREAM's counting (bytes the kernel names, no write-allocate traffic):
   * copy b = a (8 B/element), read s += a (4 B), triad a = b + s·c (12 B); buffers ≫ last-level cache.
   */
  bandwidthBytesPerSec: { copy: number; read: number; triad: number };
  /** Bytes per buffer used for the bandwidth loops. */
  bufferBytes: number;
  /** OpenMP threads used (1 when the compiler has no OpenMP). */
  threads: number;
  /** Compiler that built the loops: `<versionText>`. */
  compiler: string;
  features: CpuFeatures;
}

export interface MeasureCpuProfileOptions extends BuildOptions {
  /** Bytes per bandwidth buffer; default max(4 × last-level cache, 64 MiB), at most 1/16 of memory. */
  bufferBytes?: number;
  /** Seconds of FMA loop per repetition (default 0.1) and repetitions (best of; default 3). */
  peakSeconds?: number;
  reps?: number;
}

/** Size of the last-level cache from sysfs (bytes), or undefined. */
export function lastLevelCacheBytes(): number | undefined {
  let best: number | undefined;
  for (let i = 0; i < 8; i++) {
    try {
      const text = readFileSync(`/sys/devices/system/cpu/cpu0/cache/index${i}/size`, 'utf8').trim();
      const m = /^(\d+)([KMG]?)/.exec(text);
      if (!m) continue;
      const bytes =
        Number(m[1]) * ({ '': 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3 }[m[2] as '' | 'K' | 'M' | 'G'] ?? 1);
      best = Math.max(best ?? 0, bytes);
    } catch {
      break;
    }
  }
  return best;
}

/** The C source of the profile loops for `vectorWidth` fp32 lanes (GCC/Clang vector extensions). */
export function profileSource(vectorWidth: number): string {
  const nacc = 16;
  const accs = Array.from({ length: nacc }, (_, i) => i);
  return `#include <stdint.h>
#include <stdlib.h>
#include <time.h>
#ifdef _OPENMP
#include <omp.h>
#endif
typedef float vf __attribute__((vector_size(${vectorWidth * 4})));
static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec + 1e-9 * t.tv_nsec; }
int unet3d_threads(void) {
#ifdef _OPENMP
  return omp_get_max_threads();
#else
  return 1;
#endif
}
/* ${nacc} independent accumulators of ${vectorWidth} fp32 lanes per thread: 2·${nacc}·${vectorWidth} FLOP per iteration. */
double unet3d_fma_loop(int64_t iters, float *sink) {
  double t0 = now();
  float total = 0;
#pragma omp parallel reduction(+ : total)
  {
    vf a = {0}, b = {0};
    a += 0.9999999f; b += 1e-7f;
${accs.map((i) => `    vf c${i} = {0}; c${i} += ${(i + 1) * 0.01}f;`).join('\n')}
    for (int64_t i = 0; i < iters; i++) {
${accs.map((i) => `      c${i} = c${i} * a + b;`).join('\n')}
    }
    vf s = ${accs.map((i) => `c${i}`).join(' + ')};
    for (int k = 0; k < ${vectorWidth}; k++) total += s[k];
  }
  *sink = total;
  return now() - t0;
}
int unet3d_fma_flops_per_iter(void) { return ${2 * nacc * vectorWidth}; }
/* Best-of-reps bandwidth (bytes/s) of copy, read and triad over buffers of n floats; out[0..2]. */
int unet3d_bandwidth(int64_t n, int reps, double *out, float *sink) {
  float *a = aligned_alloc(64, (size_t)n * 4 + 64), *b = aligned_alloc(64, (size_t)n * 4 + 64), *c = aligned_alloc(64, (size_t)n * 4 + 64);
  if (!a || !b || !c) { free(a); free(b); free(c); return -1; }
#pragma omp parallel for schedule(static)
  for (int64_t i = 0; i < n; i++) { a[i] = (float)(i & 1023); b[i] = 1.0f; c[i] = 2.0f; }
  double best[3] = {1e30, 1e30, 1e30};
  float acc = 0;
  for (int r = 0; r < reps; r++) {
    double t0 = now();
#pragma omp parallel for simd schedule(static)
    for (int64_t i = 0; i < n; i++) b[i] = a[i];
    double t1 = now();
    float s = 0;
#pragma omp parallel for simd schedule(static) reduction(+ : s)
    for (int64_t i = 0; i < n; i++) s += b[i];
    double t2 = now();
#pragma omp parallel for simd schedule(static)
    for (int64_t i = 0; i < n; i++) a[i] = b[i] + 0.5f * c[i];
    double t3 = now();
    acc += s;
    if (t1 - t0 < best[0]) best[0] = t1 - t0;
    if (t2 - t1 < best[1]) best[1] = t2 - t1;
    if (t3 - t2 < best[2]) best[2] = t3 - t2;
  }
  out[0] = 8.0 * n / best[0];
  out[1] = 4.0 * n / best[1];
  out[2] = 12.0 * n / best[2];
  *sink = acc + a[n / 2];
  free(a); free(b); free(c);
  return 0;
}
`;
}

/**
 * Measure this CPU's fp32 peak (FMA loop on all cores, built with `-O3 -march=native -fopenmp` by the same
 * compiler as the kernels) and memory bandwidth (copy/read/triad over buffers much larger than the last-level
 * cache). Takes about a second. Throws NativeUnavailableError without a compiler, CompileError if the loops
 * do not build.
 */
export async function measureCpuProfile(options: MeasureCpuProfileOptions = {}): Promise<CpuProfile> {
  const compiler: CCompiler = options.compiler ?? findCompiler();
  const features = detectCpuFeatures({ compiler });
  const built = await buildSharedObject(
    { name: 'cpu-profile', source: profileSource(features.vectorWidthFp32), openmp: true },
    { ...options, compiler },
  );
  const lib = loadLibrary(built.path);
  try {
    const threadsFn = lib.func('unet3d_threads', 'int', []);
    const fma = lib.func('unet3d_fma_loop', 'double', ['int64_t', 'float *']);
    const perIter = lib.func('unet3d_fma_flops_per_iter', 'int', []) as () => number;
    const bw = lib.func('unet3d_bandwidth', 'int', ['int64_t', 'int', 'double *', 'float *']);
    const threads = (threadsFn as () => number)();
    const sink = new Float32Array(1);
    const reps = Math.max(1, options.reps ?? 3);
    // Calibrate the iteration count to about peakSeconds per repetition.
    let iters = 100_000;
    let secs = fma(iters, sink) as number;
    const target = options.peakSeconds ?? 0.1;
    iters = Math.max(1000, Math.round((iters * target) / Math.max(secs, 1e-6)));
    let best = Number.POSITIVE_INFINITY;
    for (let r = 0; r < reps; r++) {
      secs = fma(iters, sink) as number;
      best = Math.min(best, secs);
    }
    const peakFp32FlopsPerSec = (iters * perIter() * threads) / best;
    const llc = lastLevelCacheBytes() ?? 32 * 1024 ** 2;
    const bufferBytes =
      options.bufferBytes ?? Math.min(Math.max(4 * llc, 64 * 1024 ** 2), Math.floor(os.totalmem() / 16));
    const out = new Float64Array(3);
    const rc = bw(Math.floor(bufferBytes / 4), reps, out, sink) as number;
    if (rc !== 0) throw new RangeError(`measureCpuProfile: could not allocate 3 × ${bufferBytes} bytes`);
    return {
      peakFp32FlopsPerSec,
      bandwidthBytesPerSec: { copy: out[0]!, read: out[1]!, triad: out[2]! },
      bufferBytes,
      threads,
      compiler: compiler.versionText,
      features,
    };
  } finally {
    lib.unload();
  }
}
