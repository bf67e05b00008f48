import { type KnobValues, knob } from '../../config/knob.js';
import type { GemmConvProblem } from '../../templates/problem.js';
import {
  CPU_FLAGS,
  PAR_MIN_ELEMENTS,
  PAR_MIN_MACS,
  PRELUDE,
  prepInput,
  range,
  validVectorWidths,
} from './cpu-codegen.js';
import { wgradGeometry } from './cpu-geometry.js';
import type { CpuConvTemplate, CpuKernelSource } from './cpu-template-types.js';

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

export const wgradTemplate: CpuConvTemplate = {
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
  // Register blocking from the CPU's limits: the widest vector the output rows fill, and the cb × ccb tile
  // with the most FMAs per load whose accumulators fit `limits.registers` (so AVX2's 16 registers get a
  // smaller tile than AVX-512's 32). Checked against tuned configs by scripts/fallback-vs-best.ts.
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
