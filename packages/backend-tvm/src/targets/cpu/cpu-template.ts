import { type Knob, type KnobValues, knob } from '../../config/knob.js';
import type { GemmConvProblem } from '../../templates/problem.js';
import { type Combo, type DataGeometry, dataGeometry, type Tap, wgradGeometry } from './cpu-geometry.js';

/**
 * The CPU's limits a config must respect: vector widths the CPU has (floats per SIMD register) and its
 * SIMD register count (32 with AVX-512, 16 with AVX2/SSE, 32 on NEON).
 */
export interface CpuLimits {
  readonly vectorWidths: readonly number[];
  readonly registers: number;
  readonly threads: number;
}

/**
 * One generated C kernel: `void <name>(const float* A, const float* B, float* C)` with A, B, C the
 * problem's operands in kernel argument order (GemmConvProblem), NCDHW float32, C fully overwritten, and
 * `void <name>_release(void)` freeing its scratch buffers. Built as a shared object with OpenMP; calls must
 * be serialised (the scratch is per shared object).
 */
export interface CpuKernelSource {
  readonly name: string;
  readonly source: string;
  readonly flags: readonly string[];
}

export interface CpuConvTemplate {
  readonly name: 'cpu-direct' | 'cpu-wgrad2';
  knobs(problem: GemmConvProblem, limits: CpuLimits): Knob[];
  validate(problem: GemmConvProblem, values: KnobValues, limits: CpuLimits): string | undefined;
  generate(problem: GemmConvProblem, values: KnobValues, name: string): CpuKernelSource;
  /** AutoTVM's fallback config for the problem (valid under `limits`). */
  fallback(problem: GemmConvProblem, limits: CpuLimits): KnobValues;
}

export const CPU_FLAGS: readonly string[] = [
  '-O3',
  '-march=native',
  '-fPIC',
  '-shared',
  '-ffp-contract=fast',
  '-fno-math-errno',
];

const PRELUDE = (vl: number): string => `#include <stdlib.h>
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
function prepInput(
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
const PAR_MIN_ELEMENTS = 1 << 20;
const PAR_MIN_MACS = 2e7;

const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

function validVectorWidths(cols: number, limits: CpuLimits): number[] {
  return limits.vectorWidths.filter((v) => v <= Math.max(4, cols * 2));
}

// ---------------------------------------------------------------------------------------------------------
// Data kinds: forward / backward-data of every conv, as direct convolution vectorised along W.
// ---------------------------------------------------------------------------------------------------------

function maxCols(p: GemmConvProblem): number {
  return Math.ceil(p.outSpatial[2] / (p.kind === 'fractional' ? p.stride[2] : 1));
}

function rowFunction(
  fn: string,
  combo: Combo,
  g: DataGeometry,
  p: GemmConvProblem,
  o: { vl: number; nv: number; cb: number; unroll: number; order: number },
): string {
  const { vl, nv, cb } = o;
  const T = combo.taps.length;
  const xcs = g.xpD * g.xpH * g.xpRow;
  const tapOff = (t: Tap) => t.rowD * g.xpH * g.xpRow + t.rowH * g.xpRow + t.elem;
  const [OD, OH, OW] = p.outSpatial;
  const oms = OD * OH * OW;
  const ostep = p.kind === 'fractional' ? p.stride[2] : 1;
  const tile = nv * vl;
  const L: string[] = [];
  const acc = (mi: number, v: number) => `a${mi}_${v}`;
  const fmaBlock = (xExpr: string, wExpr: (mi: number) => string): string[] => {
    const out: string[] = [];
    for (let v = 0; v < nv; v++) out.push(`const vf x${v} = LD(${xExpr} + ${v * vl});`);
    for (let mi = 0; mi < cb; mi++) {
      out.push(`{ const float w = ${wExpr(mi)};`);
      for (let v = 0; v < nv; v++) out.push(`${acc(mi, v)} += w * x${v};`);
      out.push('}');
    }
    return out;
  };
  L.push(
    `static void ${fn}(const float* restrict xb, const float* restrict wp, float* restrict y, int mv) {`,
  );
  if (o.unroll === 0 && T > 0) {
    L.push(`  static const int toff[${T}] = {${combo.taps.map(tapOff).join(', ')}};`);
  }
  L.push(`  for (int j0 = 0; j0 < ${combo.cols}; j0 += ${tile}) {`);
  for (let mi = 0; mi < cb; mi++)
    L.push(
      `    vf ${range(nv)
        .map((v) => `${acc(mi, v)} = {0}`)
        .join(', ')};`,
    );
  if (T > 0) {
    if (o.order === 0) {
      // input channel outer, taps inner
      L.push(`    for (int c = 0; c < ${p.cChannels}; ++c) {`);
      L.push(`      const float* xc = xb + (long)c * ${xcs} + j0;`);
      L.push(`      const float* wc = wp + c * ${T * cb};`);
      if (o.unroll === 1) {
        combo.taps.forEach((t, ti) => {
          L.push('      {', ...fmaBlock(`xc + ${tapOff(t)}`, (mi) => `wc[${ti * cb + mi}]`), '      }');
        });
      } else {
        L.push(`      for (int t = 0; t < ${T}; ++t) {`);
        L.push(...fmaBlock('xc + toff[t]', (mi) => `wc[t * ${cb} + ${mi}]`));
        L.push('      }');
      }
      L.push('    }');
    } else {
      // taps outer, input channel inner
      const body = (offExpr: string, wBase: string) => [
        `      for (int c = 0; c < ${p.cChannels}; ++c) {`,
        `        const float* xc = xb + (long)c * ${xcs} + j0 + ${offExpr};`,
        `        const float* wc = wp + c * ${T * cb} + ${wBase};`,
        ...fmaBlock('xc', (mi) => `wc[${mi}]`),
        '      }',
      ];
      if (o.unroll === 1) {
        combo.taps.forEach((t, ti) => {
          L.push('    {', ...body(String(tapOff(t)), String(ti * cb)), '    }');
        });
      } else {
        L.push(`    for (int t = 0; t < ${T}; ++t) {`, ...body('toff[t]', `t * ${cb}`), '    }');
      }
    }
  }
  // stores
  const mstore = (mi: number, inner: string) => `    if (${mi} < mv) { ${inner} }`;
  if (ostep === 1) {
    L.push(`    if (j0 + ${tile} <= ${combo.cols}) {`);
    for (let mi = 0; mi < cb; mi++)
      L.push(
        mstore(
          mi,
          range(nv)
            .map((v) => `ST(y + ${mi * oms}L + j0 + ${v * vl}, ${acc(mi, v)});`)
            .join(' '),
        ),
      );
    L.push('    } else {');
  } else {
    L.push('    {');
  }
  L.push(`      float t[${vl}];`);
  for (let mi = 0; mi < cb; mi++)
    for (let v = 0; v < nv; v++) {
      L.push(
        mstore(
          mi,
          `memcpy(t, &${acc(mi, v)}, sizeof t); for (int l = 0; l < ${vl}; ++l) { const int j = j0 + ${v * vl} + l; if (j < ${combo.cols}) y[${mi * oms}L + (long)j * ${ostep}] = t[l]; }`,
        ),
      );
    }
  L.push('    }', '  }', '}');
  void OW;
  return L.join('\n');
}

function generateData(p: GemmConvProblem, values: KnobValues, name: string): CpuKernelSource {
  const vl = knob(values, 'vl');
  const nv = knob(values, 'nv');
  const cb = knob(values, 'cb');
  const unroll = knob(values, 'unroll');
  const order = knob(values, 'order');
  const par = knob(values, 'par');
  const g = dataGeometry(p, nv * vl);
  const N = p.batch;
  const M = p.mChannels;
  const C = p.cChannels;
  const MB = Math.ceil(M / cb);
  const [OD, OH, OW] = p.outSpatial;
  const [sd, sh, sw] = p.stride;
  const parts: string[] = [PRELUDE(vl)];
  parts.push('static float* g_x; static size_t g_xc; static float* g_w; static size_t g_wc;');
  parts.push(`void ${name}_release(void) { free(g_x); free(g_w); g_x = g_w = 0; g_xc = g_wc = 0; }`);
  if (!g.identity) parts.push(prepInput(`${name}_prep`, N * C, p.inSpatial, g));
  // weights per combo: [mb][c][t][cb]
  let off = 0;
  const offs: number[] = [];
  const wl: string[] = [`static void ${name}_wprep(const float* restrict w, float* restrict wr) {`];
  g.combos.forEach((combo, ci) => {
    const T = combo.taps.length;
    offs.push(off);
    if (T > 0) {
      wl.push(`  { static const int kt[${T}] = {${combo.taps.map((t) => t.k).join(', ')}};`);
      wl.push(`    for (int mb = 0; mb < ${MB}; ++mb) for (int c = 0; c < ${C}; ++c) for (int t = 0; t < ${T}; ++t)
      for (int mi = 0; mi < ${cb}; ++mi) { const int m = mb * ${cb} + mi;
        wr[${off}L + ((long)(mb * ${C} + c) * ${T} + t) * ${cb} + mi] = m < ${M} ? w[(long)m * ${p.weightStrideM} + (long)c * ${p.weightStrideC} + kt[t]] : 0.f; } }`);
    }
    off += MB * C * T * cb;
    void ci;
  });
  wl.push('}');
  parts.push(wl.join('\n'));
  g.combos.forEach((combo, ci) => {
    parts.push(rowFunction(`${name}_row${ci}`, combo, g, p, { vl, nv, cb, unroll, order }));
  });
  const xcs = g.xpD * g.xpH * g.xpRow;
  const oms = OD * OH * OW;
  const body: string[] = [];
  if (p.kind === 'gather') {
    body.push(
      `const float* xb = xp + (long)n * ${C * xcs}L + ((long)(od * ${sd}) * ${g.xpH} + oh * ${sh}) * ${g.xpRow};`,
      `float* yb = out + ((long)n * ${M} + mb * ${cb}) * ${oms}L + ((long)od * ${OH} + oh) * ${OW};`,
      `${name}_row0(xb, wr + ${offs[0]}L + (long)mb * ${C * g.combos[0]!.taps.length * cb}, yb, ${M} - mb * ${cb});`,
    );
  } else {
    const [Ld, Lh] = g.shift;
    body.push(
      `const int rd = od % ${sd}, rh = oh % ${sh};`,
      `const float* xb = xp + (long)n * ${C * xcs}L + ((long)(od / ${sd} + ${Ld}) * ${g.xpH} + oh / ${sh} + ${Lh}) * ${g.xpRow};`,
      `float* yb = out + ((long)n * ${M} + mb * ${cb}) * ${oms}L + ((long)od * ${OH} + oh) * ${OW};`,
      `switch (rd * ${sh} + rh) {`,
    );
    for (let rd = 0; rd < sd; rd++)
      for (let rh = 0; rh < sh; rh++) {
        body.push(`case ${rd * sh + rh}:`);
        for (let rw = 0; rw < sw; rw++) {
          const ci = (rd * sh + rh) * sw + rw;
          const T = g.combos[ci]!.taps.length;
          body.push(
            `  ${name}_row${ci}(xb, wr + ${offs[ci]}L + (long)mb * ${C * T * cb}, yb + ${rw}, ${M} - mb * ${cb});`,
          );
        }
        body.push('  break;');
      }
    body.push('}');
  }
  const parIf = p.gemmM * p.gemmN * p.gemmK > PAR_MIN_MACS ? 1 : 0;
  const loops =
    par === 0
      ? [
          `#pragma omp parallel for collapse(3) schedule(static) if(${parIf})`,
          `for (int n = 0; n < ${N}; ++n) for (int od = 0; od < ${OD}; ++od) for (int oh = 0; oh < ${OH}; ++oh)`,
          `  for (int mb = 0; mb < ${MB}; ++mb) {`,
        ]
      : [
          `#pragma omp parallel for collapse(4) schedule(static) if(${parIf})`,
          `for (int mb = 0; mb < ${MB}; ++mb) for (int n = 0; n < ${N}; ++n) for (int od = 0; od < ${OD}; ++od) for (int oh = 0; oh < ${OH}; ++oh) {`,
        ];
  parts.push(`void ${name}(const float* restrict w, const float* restrict in, float* restrict out) {
  const float* xp = in;
  ${g.identity ? '' : `{ float* b = scratch(&g_x, &g_xc, ${N * C * xcs}UL); if (!b) abort(); ${name}_prep(in, b); xp = b; }`}
  float* wr = scratch(&g_w, &g_wc, ${Math.max(1, off)}UL); if (!wr) abort();
  ${name}_wprep(w, wr);
  ${loops.join('\n  ')}
    ${body.join('\n    ')}
  }
}
`);
  return { name, source: parts.join('\n'), flags: CPU_FLAGS };
}

const dataTemplate: CpuConvTemplate = {
  name: 'cpu-direct',
  knobs(p, limits) {
    const cols = maxCols(p);
    return [
      { name: 'vl', values: validVectorWidths(cols, limits) },
      { name: 'nv', values: [1, 2, 3, 4] },
      { name: 'cb', values: [1, 2, 3, 4, 6, 8, 12, 16, 24] },
      { name: 'unroll', values: [0, 1] },
      { name: 'order', values: [0, 1] },
      { name: 'par', values: [0, 1] },
    ];
  },
  validate(p, v, limits) {
    const vl = knob(v, 'vl');
    const nv = knob(v, 'nv');
    const cb = knob(v, 'cb');
    if (!limits.vectorWidths.includes(vl)) return `vector width ${vl} not supported by this CPU`;
    if (cb * nv + nv + 1 > limits.registers)
      return `${cb}×${nv} accumulators exceed ${limits.registers} registers`;
    if ((nv - 1) * vl >= maxCols(p)) return `tile ${nv}×${vl} wider than the ${maxCols(p)} output columns`;
    const cbs = [1, 2, 3, 4, 6, 8, 12, 16, 24];
    const smallestCover = cbs.find((c) => c >= p.mChannels) ?? 24;
    if (cb > smallestCover) return `channel block ${cb} larger than needed for ${p.mChannels} channels`;
    const taps = p.kernel[0] * p.kernel[1] * p.kernel[2];
    if (knob(v, 'unroll') === 1 && taps * cb * nv > 4096) return 'unrolled body too large';
    return undefined;
  },
  generate: (p, v, name) => generateData(p, v, name),
  fallback(p, limits) {
    const vl = Math.max(...limits.vectorWidths.filter((w) => w <= Math.max(4, maxCols(p))));
    const cols = maxCols(p);
    const nv = Math.max(1, Math.min(limits.registers >= 32 ? 4 : 2, Math.ceil(cols / vl)));
    const cbs = [1, 2, 3, 4, 6, 8, 12, 16, 24].filter(
      (c) => c * nv + nv + 1 <= limits.registers && c <= Math.max(1, p.mChannels),
    );
    return { vl, nv, cb: cbs[cbs.length - 1] ?? 1, unroll: 1, order: 0, par: 0 };
  },
};

// ---------------------------------------------------------------------------------------------------------
// Weight gradient: dW[m, c, k] = Σ_{n,q} A[n, m, q] · B[n, c, q·s − p + k·d], vectorised along q_w.
// Register tile: cb output channels × ccb input channels × Kw taps of vector accumulators, the spatial
// reduction (rows of a chunk, then W vectors) innermost; accumulators are reduced across lanes once per
// chunk into per-thread partial sums, which are added once at the end (no atomics, deterministic order).
// Loads per inner step: cb (A) + ccb·Kw (B); FMAs: cb·ccb·Kw.
// ---------------------------------------------------------------------------------------------------------

/** Candidate channel blocks of the weight-gradient register tile. */
const WGRAD_BLOCKS = [1, 2, 3, 4, 6, 8];

/** Registers a weight-gradient tile needs: accumulators, the cb A vectors kept live, one B vector. */
const wgradRegisters = (cb: number, ccb: number, kw: number): number => cb * ccb * kw + cb + 1;

function generateWgrad(p: GemmConvProblem, values: KnobValues, name: string): CpuKernelSource {
  const vl = knob(values, 'vl');
  const cb = knob(values, 'cb');
  const ccb = knob(values, 'ccb');
  const rows = knob(values, 'rows');
  const par = knob(values, 'par');
  const g = wgradGeometry(p, vl);
  const N = p.batch;
  const M = p.mChannels;
  const C = p.cChannels;
  const MB = Math.ceil(M / cb);
  const MP = MB * cb;
  const CB = Math.ceil(C / ccb);
  const CP = CB * ccb;
  const [QD, QH, QW] = p.outSpatial;
  const [KD, KH, KW] = p.kernel;
  const [sd, sh] = p.stride;
  const T = KD * KH * KW;
  const nrows = QD * QH;
  const NCH = Math.ceil(nrows / rows);
  const aPadded = g.aRow !== QW;
  const acs = nrows * g.aRow; // A channel stride
  const xcs = g.xpD * g.xpH * g.xpRow;
  const parts: string[] = [PRELUDE(vl)];
  parts.push(
    'static float* g_b; static size_t g_bc; static float* g_a; static size_t g_ac; static float* g_p; static size_t g_pc;',
  );
  parts.push(
    `void ${name}_release(void) { free(g_b); free(g_a); free(g_p); g_b = g_a = g_p = 0; g_bc = g_ac = g_pc = 0; }`,
  );
  if (!g.bIdentity) parts.push(prepInput(`${name}_prepb`, N * C, p.inSpatial, g));
  const acc = (mi: number, ci: number, t: number) => `s${mi}_${ci}_${t}`;
  const groups = KD * KH;
  const inner: string[] = [];
  inner.push(`for (int grp = 0; grp < ${groups}; ++grp) {`);
  inner.push(`  const int kd = grp / ${KH}, kh = grp % ${KH};`);
  for (let mi = 0; mi < cb; mi++)
    for (let ci = 0; ci < ccb; ci++)
      inner.push(
        `  vf ${range(KW)
          .map((t) => `${acc(mi, ci, t)} = {0}`)
          .join(', ')};`,
      );
  inner.push(`  for (int r = r0; r < r1; ++r) {`);
  inner.push(`    const int qd = r / ${QH}, qh = r % ${QH};`);
  inner.push(`    const float* ar = ap + ((long)n * ${M} + mb * ${cb}) * ${acs}L + (long)r * ${g.aRow};`);
  inner.push(
    `    const float* br = bp + ((long)n * ${C} + cblk * ${ccb}) * ${xcs}L + ((long)(qd * ${sd} + kd * ${p.dilation[0]}) * ${g.xpH} + qh * ${sh} + kh * ${p.dilation[1]}) * ${g.xpRow};`,
  );
  // Channels past M or C (the last block) read channel 0 of the block; their sums land in padding.
  for (let mi = 0; mi < cb; mi++)
    inner.push(`    const float* a${mi} = ar + (${mi} < mv ? ${mi} : 0) * ${acs}L;`);
  for (let ci = 0; ci < ccb; ci++)
    inner.push(`    const float* b${ci} = br + (${ci} < cv ? ${ci} : 0) * ${xcs}L;`);
  inner.push(`    for (int v = 0; v < ${g.aRow}; v += ${vl}) {`);
  for (let mi = 0; mi < cb; mi++) inner.push(`      const vf x${mi} = LD(a${mi} + v);`);
  for (let ci = 0; ci < ccb; ci++)
    for (let t = 0; t < KW; t++) {
      inner.push(`      { vf b = LD(b${ci} + ${g.taps[t]!.elem} + v); PIN(b);`);
      for (let mi = 0; mi < cb; mi++) inner.push(`        ${acc(mi, ci, t)} += x${mi} * b;`);
      inner.push('      }');
    }
  inner.push('    }', '  }');
  inner.push(`  { float t[${vl}];`);
  for (let mi = 0; mi < cb; mi++)
    for (let ci = 0; ci < ccb; ci++)
      for (let t = 0; t < KW; t++) {
        inner.push(
          `    memcpy(t, &${acc(mi, ci, t)}, sizeof t); { float s = 0.f; for (int l = 0; l < ${vl}; ++l) s += t[l]; my[((long)(mb * ${cb} + ${mi}) * ${CP} + cblk * ${ccb} + ${ci}) * ${T} + grp * ${KW} + ${t}] += s; }`,
        );
      }
  inner.push('  }', '}');
  const chunkLoop = (body: string[]) => [
    `for (int n = 0; n < ${N}; ++n) for (int ch = 0; ch < ${NCH}; ++ch) {`,
    `  const int r0 = ch * ${rows}, r1 = r0 + ${rows} < ${nrows} ? r0 + ${rows} : ${nrows};`,
    ...body,
    '}',
  ];
  const mcLoop = (body: string[]) => [
    `for (int mb = 0; mb < ${MB}; ++mb) for (int cblk = 0; cblk < ${CB}; ++cblk) {`,
    `  const int mv = ${M} - mb * ${cb}, cv = ${C} - cblk * ${ccb};`,
    ...body,
    '}',
  ];
  const loops =
    par === 0
      ? ['#pragma omp for collapse(2) schedule(static)', ...chunkLoop(mcLoop(inner))]
      : ['#pragma omp for collapse(2) schedule(static)', ...mcLoop(chunkLoop(inner))];
  const PS = MP * CP * T; // one thread's partial sums
  parts.push(`void ${name}(const float* restrict A, const float* restrict B, float* restrict dw) {
  const float* bp = B;
  ${g.bIdentity ? '' : `{ float* b = scratch(&g_b, &g_bc, ${N * C * xcs}UL); if (!b) abort(); ${name}_prepb(B, b); bp = b; }`}
  const float* ap = A;
  ${
    aPadded
      ? `{ float* a = scratch(&g_a, &g_ac, ${N * M * acs}UL); if (!a) abort();
    #pragma omp parallel for schedule(static) if(${N * M * acs > PAR_MIN_ELEMENTS ? 1 : 0})
    for (long rr = 0; rr < ${N * M * nrows}L; ++rr) {
      memcpy(a + rr * ${g.aRow}, A + rr * ${QW}, sizeof(float) * ${QW});
      memset(a + rr * ${g.aRow} + ${QW}, 0, sizeof(float) * ${g.aRow - QW});
    }
    ap = a; }`
      : ''
  }
  const int nth = ${p.gemmM * p.gemmN * p.gemmK > PAR_MIN_MACS ? 'omp_get_max_threads()' : '1'};
  float* part = scratch(&g_p, &g_pc, (size_t)nth * ${PS}UL); if (!part) abort();
  #pragma omp parallel num_threads(nth) if(nth > 1)
  {
    float* my = part + (long)omp_get_thread_num() * ${PS}L;
    memset(my, 0, sizeof(float) * ${PS}UL);
    ${loops.join('\n    ')}
  }
  for (int m = 0; m < ${M}; ++m)
    for (int c = 0; c < ${C}; ++c)
      for (int t = 0; t < ${T}; ++t) {
        float s = 0.f;
        for (int th = 0; th < nth; ++th) s += part[(long)th * ${PS} + ((long)m * ${CP} + c) * ${T} + t];
        dw[(long)m * ${p.weightStrideM} + (long)c * ${p.weightStrideC} + t] = s;
      }
}
`);
  return { name, source: parts.join('\n'), flags: CPU_FLAGS };
}

const wgradTemplate: CpuConvTemplate = {
  // v2: input-channel register block `ccb` (records of 'cpu-wgrad' measured another kernel: not applied).
  name: 'cpu-wgrad2',
  knobs(p, limits) {
    return [
      { name: 'vl', values: validVectorWidths(p.outSpatial[2], limits) },
      { name: 'cb', values: WGRAD_BLOCKS },
      { name: 'ccb', values: WGRAD_BLOCKS },
      { name: 'rows', values: [1, 2, 4, 8, 16, 32, 64, 128, 256] },
      { name: 'par', values: [0, 1] },
    ];
  },
  validate(p, v, limits) {
    const vl = knob(v, 'vl');
    const cb = knob(v, 'cb');
    const ccb = knob(v, 'ccb');
    const KW = p.kernel[2];
    if (!limits.vectorWidths.includes(vl)) return `vector width ${vl} not supported by this CPU`;
    if (wgradRegisters(cb, ccb, KW) > limits.registers)
      return `${cb}×${ccb}×${KW} accumulators exceed ${limits.registers} registers`;
    if (cb > 1 && cb >= 2 * p.mChannels)
      return `channel block ${cb} larger than needed for ${p.mChannels} channels`;
    if (ccb > 1 && ccb >= 2 * p.cChannels)
      return `input-channel block ${ccb} larger than needed for ${p.cChannels} channels`;
    const nrows = p.outSpatial[0] * p.outSpatial[1];
    if (knob(v, 'rows') > 2 * nrows && knob(v, 'rows') > 1) return 'row chunk longer than the tensor';
    return undefined;
  },
  generate: (p, v, name) => generateWgrad(p, v, name),
  fallback(p, limits) {
    const vl = Math.max(...limits.vectorWidths.filter((w) => w <= Math.max(4, p.outSpatial[2])));
    const KW = p.kernel[2];
    const fits = (c: number, n: number) => c === 1 || c < 2 * n;
    // The largest tile that fits the registers (most FMAs per load), the squarer one on ties.
    let best = { cb: 1, ccb: 1, score: -1 };
    for (const cb of WGRAD_BLOCKS)
      for (const ccb of WGRAD_BLOCKS) {
        if (!fits(cb, p.mChannels) || !fits(ccb, p.cChannels)) continue;
        if (wgradRegisters(cb, ccb, KW) > limits.registers) continue;
        const fmas = cb * ccb * KW;
        const score = fmas / (cb + ccb * KW) + fmas / 1000;
        if (score > best.score) best = { cb, ccb, score };
      }
    // A chunk of ~16 KiB of A per channel keeps a tile's rows in L1/L2 across the kernel taps.
    const aRow = Math.ceil(p.outSpatial[2] / vl) * vl;
    const nrows = p.outSpatial[0] * p.outSpatial[1];
    let rows = 1;
    while (rows < 256 && rows * 2 * aRow <= 4096 && rows * 2 <= 2 * nrows) rows *= 2;
    const chunks = p.batch * Math.ceil(nrows / rows);
    return { vl, cb: best.cb, ccb: best.ccb, rows, par: chunks >= 2 * limits.threads ? 0 : 1 };
  },
};

/** The CPU template for a problem kind. */
export function cpuTemplateFor(p: GemmConvProblem): CpuConvTemplate {
  return p.kind === 'wgrad' ? wgradTemplate : dataTemplate;
}
