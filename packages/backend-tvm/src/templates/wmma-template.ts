import { ConfigError, type MathMode } from '@unet3d/core';
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
 * Tensor-core implicit-GEMM template (nvcuda::wmma): tf32 m16n16k8 or bf16 m16n16k16 with fp32 accumulation.
 * A block of warps_m × warps_n warps computes a tile_m × tile_n tile of C; each warp holds
 * (tile_m / warps_m / 16) × (tile_n / warps_n / 16) accumulator fragments. A (tile_m × BK, row-major) and
 * B (BK × tile_n, row-major) are converted to tf32/bf16 while staged in shared memory (rows padded by `skew`
 * elements against bank conflicts); BK = k_steps × the MMA's k. Partial tiles are zero-filled on load and
 * masked on store (each warp stages its fragments through a private 16×16 scratch), so any workload is
 * correct. split_k spreads the reduction over blocks with atomicAdd into a zeroed C.
 */
export const wmmaTemplate: ConvTemplate = {
  name: 'wmma',

  knobs(p: GemmConvProblem): Knob[] {
    const pm = Math.max(16, nextPow2(p.gemmM));
    const pn = Math.max(16, nextPow2(p.gemmN));
    const splits = p.kind === 'wgrad' ? powersOfTwo(1, 64) : p.gemmK >= 512 ? powersOfTwo(1, 8) : [1];
    return [
      { name: 'tile_m', values: powersOfTwo(16, Math.min(128, pm)) },
      { name: 'tile_n', values: powersOfTwo(16, Math.min(128, pn)) },
      { name: 'warps_m', values: [1, 2, 4] },
      { name: 'warps_n', values: [1, 2, 4] },
      { name: 'k_steps', values: [1, 2, 4] },
      { name: 'split_k', values: splits },
      { name: 'skew', values: [0, 8] },
    ];
  },

  validate(p: GemmConvProblem, precision: MathMode, v: KnobValues, limits: DeviceLimits) {
    if (precision === 'fp32') return 'tensor-core template needs tf32 or bf16';
    if (limits.arch < 80) return 'tf32/bf16 wmma needs sm_80 or newer';
    const g = wmmaGeometry(p, precision, v);
    if (g.bm % (g.wm * 16) !== 0) return 'tile_m not a multiple of 16·warps_m';
    if (g.bn % (g.wn * 16) !== 0) return 'tile_n not a multiple of 16·warps_n';
    if (g.threads > limits.maxThreadsPerBlock) return `${g.threads} threads > ${limits.maxThreadsPerBlock}`;
    if (g.fm * g.fn > 8) return 'more than 8 accumulator fragments per warp (register spills)';
    if (g.sharedBytes > limits.maxSharedBytesPerBlock)
      return `${g.sharedBytes} B shared memory > ${limits.maxSharedBytesPerBlock}`;
    if (g.bk > Math.max(g.mmaK, nextPow2(g.kPerSplit))) return 'k chunk longer than the reduction per split';
    if (g.grid[2] !== g.split) return `split_k ${g.split} gives only ${g.grid[2]} non-empty splits`;
    if (g.grid[1] > 65535 || g.grid[2] > 65535) return 'grid too large';
    return undefined;
  },

  generate(p: GemmConvProblem, precision: MathMode, v: KnobValues, name: string): KernelSource {
    if (precision === 'fp32') throw new ConfigError('the wmma template needs tf32 or bf16');
    const g = wmmaGeometry(p, precision, v);
    const bf16 = precision === 'bf16';
    const T = bf16 ? '__nv_bfloat16' : 'float';
    const P = bf16 ? '__nv_bfloat16' : 'wmma::precision::tf32';
    const conv = bf16 ? '__float2bfloat16' : 'wmma::__float_to_tf32';
    const zero = bf16 ? '__float2bfloat16(0.0f)' : '0.0f';
    const { bm, bn, bk, lda, ldb, fm, fn, mmaK } = g;
    const wgrad = p.kind === 'wgrad';
    const A = `${name}_a_index`;
    const B = `${name}_b_index`;
    const C = `${name}_c_index`;
    const bLoop = wgrad
      ? `const int jj = e / ${bk}, kq = e % ${bk};`
      : `const int kq = e / ${bn}, jj = e % ${bn};`;
    const store = g.split > 1 ? `atomicAdd(&C[${C}(m, j)], v)` : `C[${C}(m, j)] = v`;
    const source = `${PRELUDE}#include <mma.h>
${bf16 ? '#include <cuda_bf16.h>\n' : ''}${indexFunctionsToCuda(indexFunctions(p), name)}
extern "C" __global__ void __launch_bounds__(${g.threads})
${name}(const float* __restrict__ A, const float* __restrict__ B, float* __restrict__ C) {
  using namespace nvcuda;
  extern __shared__ __align__(128) unsigned char smem_raw[];
  ${T}* sA = reinterpret_cast<${T}*>(smem_raw);
  ${T}* sB = sA + ${bm * lda};
  float* scratch = reinterpret_cast<float*>(smem_raw + ${g.scratchOffset});
  const int tid = threadIdx.x;
  const int warp = tid / 32, lane = tid % 32;
  const int wm = warp / ${g.wn}, wn = warp % ${g.wn};
  const int m0 = blockIdx.y * ${bm};
  const int j0 = blockIdx.x * ${bn};
  const int kBegin = blockIdx.z * ${g.kPerSplit};
  const int kEnd = min(${p.gemmK}, kBegin + ${g.kPerSplit});
  wmma::fragment<wmma::accumulator, 16, 16, ${mmaK}, float> acc[${fm}][${fn}];
  #pragma unroll
  for (int i = 0; i < ${fm}; ++i)
    #pragma unroll
    for (int j = 0; j < ${fn}; ++j) wmma::fill_fragment(acc[i][j], 0.0f);
  for (int k0 = kBegin; k0 < kEnd; k0 += ${bk}) {
    for (int e = tid; e < ${bm * bk}; e += ${g.threads}) {
      const int mm = e / ${bk}, kq = e % ${bk};
      const int m = m0 + mm, k = k0 + kq;
      sA[mm * ${lda} + kq] = (m < ${p.gemmM} && k < kEnd) ? ${conv}(A[${A}(m, k)]) : ${zero};
    }
    for (int e = tid; e < ${bk * bn}; e += ${g.threads}) {
      ${bLoop}
      const int j = j0 + jj, k = k0 + kq;
      const int ib = (j < ${p.gemmN} && k < kEnd) ? ${B}(k, j) : -1;
      sB[kq * ${ldb} + jj] = ib >= 0 ? ${conv}(B[ib]) : ${zero};
    }
    __syncthreads();
    #pragma unroll
    for (int ks = 0; ks < ${g.kSteps}; ++ks) {
      wmma::fragment<wmma::matrix_a, 16, 16, ${mmaK}, ${P}, wmma::row_major> fa[${fm}];
      wmma::fragment<wmma::matrix_b, 16, 16, ${mmaK}, ${P}, wmma::row_major> fb[${fn}];
      #pragma unroll
      for (int i = 0; i < ${fm}; ++i)
        wmma::load_matrix_sync(fa[i], sA + (wm * ${fm * 16} + i * 16) * ${lda} + ks * ${mmaK}, ${lda});
      #pragma unroll
      for (int j = 0; j < ${fn}; ++j)
        wmma::load_matrix_sync(fb[j], sB + ks * ${mmaK * ldb} + wn * ${fn * 16} + j * 16, ${ldb});
      #pragma unroll
      for (int i = 0; i < ${fm}; ++i)
        #pragma unroll
        for (int j = 0; j < ${fn}; ++j) wmma::mma_sync(acc[i][j], fa[i], fb[j], acc[i][j]);
    }
    __syncthreads();
  }
  float* mine = scratch + warp * 256;
  #pragma unroll
  for (int i = 0; i < ${fm}; ++i) {
    #pragma unroll
    for (int jf = 0; jf < ${fn}; ++jf) {
      wmma::store_matrix_sync(mine, acc[i][jf], 16, wmma::mem_row_major);
      __syncwarp();
      for (int e = lane; e < 256; e += 32) {
        const int m = m0 + wm * ${fm * 16} + i * 16 + e / 16;
        const int j = j0 + wn * ${fn * 16} + jf * 16 + e % 16;
        const float v = mine[e];
        if (m < ${p.gemmM} && j < ${p.gemmN}) ${store};
      }
      __syncwarp();
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
      includes: bf16 ? ['mma.h', 'cuda_bf16.h'] : ['mma.h'],
    };
  },
};

export interface WmmaGeometry {
  bm: number;
  bn: number;
  wm: number;
  wn: number;
  fm: number;
  fn: number;
  mmaK: number;
  kSteps: number;
  bk: number;
  lda: number;
  ldb: number;
  split: number;
  kPerSplit: number;
  threads: number;
  scratchOffset: number;
  sharedBytes: number;
  grid: [number, number, number];
}

export function wmmaGeometry(p: GemmConvProblem, precision: MathMode, v: KnobValues): WmmaGeometry {
  const bm = knob(v, 'tile_m');
  const bn = knob(v, 'tile_n');
  const wm = knob(v, 'warps_m');
  const wn = knob(v, 'warps_n');
  const kSteps = knob(v, 'k_steps');
  const split = knob(v, 'split_k');
  const skew = knob(v, 'skew');
  const mmaK = precision === 'bf16' ? 16 : 8;
  const elem = precision === 'bf16' ? 2 : 4;
  const bk = kSteps * mmaK;
  const lda = bk + skew;
  const ldb = bn + skew;
  const kPerSplit = ceilDiv(ceilDiv(p.gemmK, split), bk) * bk;
  const warps = wm * wn;
  const tiles = elem * (bm * lda + bk * ldb);
  const scratchOffset = ceilDiv(tiles, 128) * 128;
  return {
    bm,
    bn,
    wm,
    wn,
    fm: Math.max(1, Math.floor(bm / (wm * 16))),
    fn: Math.max(1, Math.floor(bn / (wn * 16))),
    mmaK,
    kSteps,
    bk,
    lda,
    ldb,
    split,
    kPerSplit,
    threads: 32 * warps,
    scratchOffset,
    sharedBytes: scratchOffset + warps * 256 * 4,
    grid: [ceilDiv(p.gemmN, bn), ceilDiv(p.gemmM, bm), ceilDiv(p.gemmK, kPerSplit)],
  };
}
