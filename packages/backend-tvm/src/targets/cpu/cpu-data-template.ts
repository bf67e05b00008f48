import { type KnobValues, knob } from '../../config/knob.js';
import type { GemmConvProblem } from '../../templates/problem.js';
import {
  CPU_FLAGS,
  maxCols,
  PAR_MIN_MACS,
  PRELUDE,
  prepInput,
  range,
  validVectorWidths,
} from './cpu-codegen.js';
import { type Combo, type DataGeometry, dataGeometry, type Tap } from './cpu-geometry.js';
import type { CpuConvTemplate, CpuKernelSource } from './cpu-template-types.js';

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

export const dataTemplate: CpuConvTemplate = {
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
  // Register blocking from the CPU's limits: the widest vector that the output rows fill; nv = registers / 8
  // vectors of columns (2 with AVX2's 16 registers, 4 with AVX-512's 32), no more than the row needs; then
  // the largest channel block whose cb × nv accumulators, nv loaded vectors and one broadcast weight fit.
  // Measured within ~1.5× of the best tuned config on the scaled network's big tasks with AVX2 and AVX-512
  // (scripts/fallback-vs-best.ts).
  fallback(p, limits) {
    const vl = Math.max(...limits.vectorWidths.filter((w) => w <= Math.max(4, maxCols(p))));
    const cols = maxCols(p);
    const nv = Math.max(1, Math.min(4, Math.floor(limits.registers / 8), Math.ceil(cols / vl)));
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
