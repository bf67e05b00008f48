/**
 * With a real NVRTC (a CUDA toolkit, or the nvidia-cuda-nvrtc wheel: point UNET3D_NVRTC_LIB_DIR at its
 * nvidia/cu13/lib) and a CUDA include folder holding mma.h: NVRTC 13.0 alone cannot compile a WMMA kernel;
 * with the include folder the compiler finds, it can. Skipped where either is missing (no GPU needed).
 */
import { describe, expect, it } from 'vitest';
import { findCudaIncludeDir } from '../library/library-finder.js';
import { createSystemProbe } from '../library/system-probe.js';
import { NvrtcCompileError, NvrtcCompiler } from './compiler.js';

const WMMA_KERNEL = `#include <mma.h>
using namespace nvcuda;
extern "C" __global__ void tile16(const half* a, const half* b, float* c) {
  wmma::fragment<wmma::matrix_a, 16, 16, 16, half, wmma::row_major> fa;
  wmma::fragment<wmma::matrix_b, 16, 16, 16, half, wmma::col_major> fb;
  wmma::fragment<wmma::accumulator, 16, 16, 16, float> fc;
  wmma::fill_fragment(fc, 0.0f);
  wmma::load_matrix_sync(fa, a, 16);
  wmma::load_matrix_sync(fb, b, 16);
  wmma::mma_sync(fc, fa, fb, fc);
  wmma::store_matrix_sync(c, fc, 16, wmma::mem_row_major);
}`;

function realCompiler(includeDirs?: readonly string[]): NvrtcCompiler | undefined {
  try {
    return new NvrtcCompiler({ cacheDir: null, ...(includeDirs ? { includeDirs } : {}) });
  } catch {
    return undefined;
  }
}

const available = realCompiler([]) !== undefined && findCudaIncludeDir(createSystemProbe()).dir !== undefined;

describe.skipIf(!available)('NVRTC and mma.h (real NVRTC)', () => {
  it('fails on #include <mma.h> without an include path, compiles for sm_90 with the one found', () => {
    const bare = realCompiler([])!;
    expect(() => bare.compile({ name: 'wmma.cu', source: WMMA_KERNEL }, 'sm_90')).toThrow(NvrtcCompileError);
    const found = realCompiler()!;
    expect(found.includeDirs).toHaveLength(1);
    const r = found.compile({ name: 'wmma.cu', source: WMMA_KERNEL }, 'sm_90');
    // A cubin is an ELF file: 0x7f 'E' 'L' 'F'.
    expect([...r.cubin.subarray(0, 4)]).toEqual([0x7f, 0x45, 0x4c, 0x46]);
  });
});
