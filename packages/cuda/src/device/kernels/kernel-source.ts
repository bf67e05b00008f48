/** One NVRTC compilation unit: a file's worth of CUDA C++ and the kernels it defines. */
export interface KernelSource {
  /** Program name, e.g. "elu.cu" (used in logs, errors and the nvcc test). */
  readonly name: string;
  readonly source: string;
  /** `extern "C"` kernel names defined in `source`. */
  readonly functions: readonly string[];
}

/**
 * Helpers shared by every kernel file, prepended to each source. No #include: NVRTC compiles without the
 * toolkit headers, and the built-ins used here (expm1f, log1pf, __shfl_down_sync) need none.
 */
export const KERNEL_PRELUDE = `
#define GRID_STRIDE(i, n) \\
  for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < (n); \\
       i += (long long)gridDim.x * blockDim.x)

__device__ __forceinline__ double warp_sum(double v) {
  for (int o = 16; o > 0; o >>= 1) v += __shfl_down_sync(0xffffffffu, v, o);
  return v;
}

/* Sum over the block (blockDim.x a multiple of 32, at most 1024); the result is valid in thread 0. */
__device__ __forceinline__ double block_sum(double v, double* scratch) {
  const int lane = threadIdx.x & 31;
  const int warp = threadIdx.x >> 5;
  v = warp_sum(v);
  if (lane == 0) scratch[warp] = v;
  __syncthreads();
  const int warps = (blockDim.x + 31) >> 5;
  v = (int)threadIdx.x < warps ? scratch[threadIdx.x] : 0.0;
  if (warp == 0) v = warp_sum(v);
  __syncthreads();
  return v;
}
`;

export function kernelSource(name: string, functions: readonly string[], body: string): KernelSource {
  return { name, functions, source: `${KERNEL_PRELUDE}\n${body.trim()}\n` };
}
