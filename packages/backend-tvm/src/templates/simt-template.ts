import type { MathMode } from '@unet3d/core';
import { type Knob, type KnobValues, nextPow2, powersOfTwo } from '../config/knob.js';
import { indexFunctions, indexFunctionsToCuda } from './index-fns.js';
import type { GemmConvProblem } from './problem.js';
import {
  type ConvTemplate,
  ceilDiv,
  type DeviceLimits,
  type KernelSource,
  knob,
  PRELUDE,
} from './template.js';

/**
 * Direct implicit-GEMM template on CUDA cores (fp32 FMA), after AutoTVM's conv2d_direct CUDA schedule:
 * a block computes a BM×BN tile of C (output channels × output voxels, or weight rows × (c, k) for wgrad),
 * each thread a TM×TN sub-tile in registers; the reduction runs in chunks of BK, optionally staged through
 * shared memory (A = weights, B = the implicit im2col input), and optionally split across blocks (split-K,
 * accumulated with atomicAdd into a zeroed C).
 *
 * Knobs: tile_m, tile_n (block), thread_m, thread_n (per thread), tile_k (reduction chunk), split_k,
 * stage_a, stage_b (shared-memory staging), unroll (0 = none, 1 = full, n = `#pragma unroll n`),
 * vec (float2/float4 fragment loads from shared memory).
 */
export const simtTemplate: ConvTemplate = {
  name: 'simt',

  knobs(p: GemmConvProblem): Knob[] {
    const pm = nextPow2(p.gemmM);
    const pn = nextPow2(p.gemmN);
    const splits = p.kind === 'wgrad' ? powersOfTwo(1, 64) : p.gemmK >= 512 ? powersOfTwo(1, 8) : [1];
    return [
      { name: 'tile_m', values: powersOfTwo(Math.min(8, pm), Math.min(128, pm)) },
      { name: 'tile_n', values: powersOfTwo(Math.min(16, pn), Math.min(256, pn)) },
      { name: 'thread_m', values: [1, 2, 4, 8] },
      { name: 'thread_n', values: [1, 2, 4, 8] },
      { name: 'tile_k', values: powersOfTwo(4, Math.max(4, Math.min(32, nextPow2(p.gemmK)))) },
      { name: 'split_k', values: splits },
      { name: 'stage_a', values: [0, 1] },
      { name: 'stage_b', values: [0, 1] },
      { name: 'unroll', values: [0, 1, 4] },
      { name: 'vec', values: [1, 2, 4] },
    ];
  },

  validate(p: GemmConvProblem, _precision: MathMode, v: KnobValues, limits: DeviceLimits) {
    const g = simtGeometry(p, v);
    if (g.tm > g.bm) return 'thread_m > tile_m';
    if (g.tn > g.bn) return 'thread_n > tile_n';
    if (g.tm * g.tn > 64) return 'more than 64 accumulators per thread';
    if (g.threads < 32) return `only ${g.threads} threads per block`;
    if (g.threads > limits.maxThreadsPerBlock) return `${g.threads} threads > ${limits.maxThreadsPerBlock}`;
    if (g.sharedBytes > limits.maxSharedBytesPerBlock)
      return `${g.sharedBytes} B shared memory > ${limits.maxSharedBytesPerBlock}`;
    if (g.vec > 1) {
      if (!g.stageA && !g.stageB) return 'vec > 1 without shared-memory staging';
      if (g.stageA && g.tm % g.vec !== 0) return 'thread_m not a multiple of vec';
      if (g.stageB && g.tn % g.vec !== 0) return 'thread_n not a multiple of vec';
    }
    if (g.bk > Math.max(4, nextPow2(g.kPerSplit))) return 'tile_k longer than the reduction per split';
    if (g.grid[2] !== g.split) return `split_k ${g.split} gives only ${g.grid[2]} non-empty splits`;
    if (g.grid[1] > 65535 || g.grid[2] > 65535) return 'grid too large';
    return undefined;
  },

  generate(p: GemmConvProblem, _precision: MathMode, v: KnobValues, name: string): KernelSource {
    const g = simtGeometry(p, v);
    const fns = indexFunctionsToCuda(indexFunctions(p), name);
    const { bm, bn, bk, tm, tn, vec } = g;
    const tx = bn / tn;
    const wgrad = p.kind === 'wgrad';
    const unroll =
      g.unroll === 0 ? '#pragma unroll 1' : g.unroll === 1 ? '#pragma unroll' : `#pragma unroll ${g.unroll}`;
    const offB = g.stageA ? bk * bm : 0;
    const A = `${name}_a_index`;
    const B = `${name}_b_index`;
    const C = `${name}_c_index`;
    // Cooperative staging: A kk-fastest (contiguous in global memory), B j-fastest for data kinds (voxels
    // contiguous) and kk-fastest for wgrad (the reduction runs over voxels).
    const stageA = g.stageA
      ? `    for (int e = tid; e < ${bk * bm}; e += ${g.threads}) {
      const int mm = e / ${bk}, kq = e % ${bk};
      const int m = m0 + mm, k = k0 + kq;
      sA[kq * ${bm} + mm] = (m < ${p.gemmM} && k < kEnd) ? A[${A}(m, k)] : 0.0f;
    }\n`
      : '';
    const bLoop = wgrad
      ? `const int jj = e / ${bk}, kq = e % ${bk};`
      : `const int kq = e / ${bn}, jj = e % ${bn};`;
    const stageB = g.stageB
      ? `    for (int e = tid; e < ${bk * bn}; e += ${g.threads}) {
      ${bLoop}
      const int j = j0 + jj, k = k0 + kq;
      int ib = (j < ${p.gemmN} && k < kEnd) ? ${B}(k, j) : -1;
      sB[kq * ${bn} + jj] = ib >= 0 ? B[ib] : 0.0f;
    }\n`
      : '';
    const frag = (which: 'a' | 'b', n: number, staged: boolean): string => {
      const base = which === 'a' ? `kq * ${bm} + ty * ${tm}` : `kq * ${bn} + tx * ${tn}`;
      const arr = which === 'a' ? 'sA' : 'sB';
      if (staged && vec > 1) {
        const t = vec === 4 ? 'float4' : 'float2';
        const comps = vec === 4 ? ['x', 'y', 'z', 'w'] : ['x', 'y'];
        let s = `        #pragma unroll\n        for (int u = 0; u < ${n / vec}; ++u) {\n`;
        s += `          const ${t} t = *reinterpret_cast<const ${t}*>(&${arr}[${base} + u * ${vec}]);\n`;
        s += comps.map((c, ci) => `          ${which}[u * ${vec} + ${ci}] = t.${c};\n`).join('');
        return `${s}        }\n`;
      }
      if (staged)
        return `        #pragma unroll\n        for (int u = 0; u < ${n}; ++u) ${which}[u] = ${arr}[${base} + u];\n`;
      if (which === 'a') {
        return `        #pragma unroll
        for (int u = 0; u < ${n}; ++u) {
          const int m = m0 + ty * ${tm} + u;
          a[u] = (m < ${p.gemmM} && k < kEnd) ? A[${A}(m, k)] : 0.0f;
        }\n`;
      }
      return `        #pragma unroll
        for (int u = 0; u < ${n}; ++u) {
          const int j = j0 + tx * ${tn} + u;
          const int ib = (j < ${p.gemmN} && k < kEnd) ? ${B}(k, j) : -1;
          b[u] = ib >= 0 ? B[ib] : 0.0f;
        }\n`;
    };
    const store = g.split > 1 ? `atomicAdd(&C[${C}(m, j)], acc[u][w])` : `C[${C}(m, j)] = acc[u][w]`;
    const source = `${PRELUDE}
${fns}
extern "C" __global__ void __launch_bounds__(${g.threads})
${name}(const float* __restrict__ A, const float* __restrict__ B, float* __restrict__ C) {
  extern __shared__ __align__(16) float smem[];
  float* sA = smem;
  float* sB = smem + ${offB};
  (void)sA; (void)sB;
  const int tid = threadIdx.x;
  const int tx = tid % ${tx};
  const int ty = tid / ${tx};
  const int m0 = blockIdx.y * ${bm};
  const int j0 = blockIdx.x * ${bn};
  const int kBegin = blockIdx.z * ${g.kPerSplit};
  const int kEnd = min(${p.gemmK}, kBegin + ${g.kPerSplit});
  float acc[${tm}][${tn}];
  #pragma unroll
  for (int u = 0; u < ${tm}; ++u)
    #pragma unroll
    for (int w = 0; w < ${tn}; ++w) acc[u][w] = 0.0f;
  for (int k0 = kBegin; k0 < kEnd; k0 += ${bk}) {
${stageA}${stageB}${g.stageA || g.stageB ? '    __syncthreads();\n' : ''}    ${unroll}
    for (int kq = 0; kq < ${bk}; ++kq) {
      const int k = k0 + kq;
      (void)k;
      float a[${tm}], b[${tn}];
${frag('a', tm, g.stageA)}${frag('b', tn, g.stageB)}      #pragma unroll
      for (int u = 0; u < ${tm}; ++u)
        #pragma unroll
        for (int w = 0; w < ${tn}; ++w) acc[u][w] = fmaf(a[u], b[w], acc[u][w]);
    }
${g.stageA || g.stageB ? '    __syncthreads();\n' : ''}  }
  #pragma unroll
  for (int u = 0; u < ${tm}; ++u) {
    const int m = m0 + ty * ${tm} + u;
    #pragma unroll
    for (int w = 0; w < ${tn}; ++w) {
      const int j = j0 + tx * ${tn} + w;
      if (m < ${p.gemmM} && j < ${p.gemmN}) ${store};
    }
  }
}
`;
    return {
      name,
      source,
      grid: g.grid,
      block: [g.threads, 1, 1],
      sharedBytes: g.sharedBytes,
      zeroOutput: g.split > 1,
      includes: [],
    };
  },
};

export interface SimtGeometry {
  bm: number;
  bn: number;
  bk: number;
  tm: number;
  tn: number;
  split: number;
  kPerSplit: number;
  stageA: boolean;
  stageB: boolean;
  unroll: number;
  vec: number;
  threads: number;
  sharedBytes: number;
  grid: [number, number, number];
}

/** Pure tiling arithmetic of a SIMT config (shared by validation, generation and the tests). */
export function simtGeometry(p: GemmConvProblem, v: KnobValues): SimtGeometry {
  const bm = knob(v, 'tile_m');
  const bn = knob(v, 'tile_n');
  const bk = knob(v, 'tile_k');
  const tm = knob(v, 'thread_m');
  const tn = knob(v, 'thread_n');
  const split = knob(v, 'split_k');
  const stageA = knob(v, 'stage_a') === 1;
  const stageB = knob(v, 'stage_b') === 1;
  const kPerSplit = ceilDiv(ceilDiv(p.gemmK, split), bk) * bk;
  const threads = Math.max(1, Math.floor(bm / tm)) * Math.max(1, Math.floor(bn / tn));
  return {
    bm,
    bn,
    bk,
    tm,
    tn,
    split,
    kPerSplit,
    stageA,
    stageB,
    unroll: knob(v, 'unroll'),
    vec: knob(v, 'vec'),
    threads,
    sharedBytes: 4 * bk * ((stageA ? bm : 0) + (stageB ? bn : 0)),
    grid: [ceilDiv(p.gemmN, bn), ceilDiv(p.gemmM, bm), ceilDiv(p.gemmK, kPerSplit)],
  };
}
