import type { GemmConvProblem } from '../../templates/problem.js';
import type { CpuLimits } from './cpu-template-types.js';

export const CPU_FLAGS: readonly string[] = [
  '-O3',
  '-march=native',
  '-fPIC',
  '-shared',
  '-ffp-contract=fast',
  '-fno-math-errno',
];

export const PRELUDE = (vl: number): string => `#include <stdlib.h>
#include <string.h>
#include <stddef.h>
#ifdef _OPENMP
#include <omp.h>
#else
static int omp_get_max_threads(void) { return 1; }
static int omp_get_thread_num(void) { return 0; }
#endif
typedef float vf __attribute__((vector_size(${vl * 4})));
typedef float vfu __attribute__((vector_size(${vl * 4}), aligned(4)));
#define LD(p) (*(const vfu*)(p))
#define ST(p, v) (*(vfu*)(p) = (v))
/* Keep a loaded vector in a register: stops the compiler from folding the load into every FMA that uses it
   (one load per use), so a register tile costs one load per operand. */
#if defined(__x86_64__) || defined(__i386__)
#define PIN(v) __asm__("" : "+v"(v))
#elif defined(__aarch64__)
#define PIN(v) __asm__("" : "+w"(v))
#else
#define PIN(v) ((void)0)
#endif
/* Scratch kept between calls (calls are serialised by the caller). */
static float* scratch(float** p, size_t* cap, size_t n) {
  if (n > *cap) {
    free(*p);
    *p = (float*)aligned_alloc(64, ((n * sizeof(float) + 63) / 64) * 64);
    *cap = *p ? n : 0;
  }
  return *p;
}
`;

/** Copy an NCDHW tensor into a zero-padded, W-phase-split buffer (see cpu-geometry.ts). */
export function prepInput(
  fn: string,
  nc: number,
  inSp: readonly number[],
  g: { xpD: number; xpH: number; xpRow: number; planes: number; planeLen: number; shift: readonly number[] },
): string {
  const [ID, IH, IW] = inSp as [number, number, number];
  const [sd, sh, swp] = g.shift as [number, number, number];
  const big = nc * g.xpD * g.xpH * g.xpRow > PAR_MIN_ELEMENTS;
  return `static void ${fn}(const float* restrict in, float* restrict xp) {
  #pragma omp parallel for collapse(2) schedule(static) if(${big ? 1 : 0})
  for (long nc = 0; nc < ${nc}L; ++nc)
    for (int d = 0; d < ${g.xpD}; ++d) {
      const int id = d - ${sd};
      for (int h = 0; h < ${g.xpH}; ++h) {
        float* row = xp + ((nc * ${g.xpD} + d) * ${g.xpH} + h) * (long)${g.xpRow};
        const int ih = h - ${sh};
        if (id < 0 || id >= ${ID} || ih < 0 || ih >= ${IH}) { memset(row, 0, sizeof(float) * ${g.xpRow}); continue; }
        const float* src = in + ((nc * ${ID} + id) * ${IH} + ih) * (long)${IW};
        for (int r = 0; r < ${g.planes}; ++r)
          for (int q = 0; q < ${g.planeLen}; ++q) {
            const int iw = q * ${g.planes} + r - ${swp};
            row[r * ${g.planeLen} + q] = (iw >= 0 && iw < ${IW}) ? src[iw] : 0.f;
          }
        for (int q = ${g.planes * g.planeLen}; q < ${g.xpRow}; ++q) row[q] = 0.f;
      }
    }
}
`;
}

/**
 * Below these sizes a loop runs on one thread: on a shared machine a parallel region waits at its barrier
 * for every thread to be scheduled, which costs more than small work saves (elements copied; MACs).
 */
export const PAR_MIN_ELEMENTS = 1 << 20;
export const PAR_MIN_MACS = 2e7;

export const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

export function validVectorWidths(cols: number, limits: CpuLimits): number[] {
  return limits.vectorWidths.filter((v) => v <= Math.max(4, cols * 2));
}

// ---------------------------------------------------------------------------------------------------------
// Data kinds: forward / backward-data of every conv, as direct convolution vectorised along W.
// ---------------------------------------------------------------------------------------------------------

export function maxCols(p: GemmConvProblem): number {
  return Math.ceil(p.outSpatial[2] / (p.kind === 'fractional' ? p.stride[2] : 1));
}
