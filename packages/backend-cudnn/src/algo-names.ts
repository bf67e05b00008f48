import type { CudnnOp } from './conv-call.js';

const FWD = [
  'IMPLICIT_GEMM',
  'IMPLICIT_PRECOMP_GEMM',
  'GEMM',
  'DIRECT',
  'FFT',
  'FFT_TILING',
  'WINOGRAD',
  'WINOGRAD_NONFUSED',
];
const BWD_DATA = ['0', '1', 'FFT', 'FFT_TILING', 'WINOGRAD', 'WINOGRAD_NONFUSED'];
const BWD_FILTER = ['0', '1', 'FFT', '3', 'WINOGRAD', 'WINOGRAD_NONFUSED', 'FFT_TILING'];

/** cuDNN's enum name for an algorithm number, e.g. CUDNN_CONVOLUTION_FWD_ALGO_IMPLICIT_PRECOMP_GEMM. */
export function algoName(op: CudnnOp, algo: number): string {
  const [prefix, names] =
    op === 'forward'
      ? ['CUDNN_CONVOLUTION_FWD_ALGO_', FWD]
      : op === 'backwardData'
        ? ['CUDNN_CONVOLUTION_BWD_DATA_ALGO_', BWD_DATA]
        : ['CUDNN_CONVOLUTION_BWD_FILTER_ALGO_', BWD_FILTER];
  return `${prefix}${names[algo] ?? algo}`;
}
