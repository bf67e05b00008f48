import { ALGO_PERF_BYTES, type AlgoPerf, type Cudnn, chooseAlgo, decodeAlgoPerfs } from '@unet3d/cuda';
import type { CudnnOp } from './conv-call.js';

/** Descriptors of one planned call. */
export interface CallDescriptors {
  readonly x: bigint;
  readonly y: bigint;
  readonly w: bigint;
  readonly conv: bigint;
}

/** Device pointers for the search: cuDNN's x, y and w roles (the one written is overwritten). */
export interface CallBuffers {
  readonly x: bigint;
  readonly y: bigint;
  readonly w: bigint;
}

const MAX_COUNT_FN = {
  forward: 'cudnnGetConvolutionForwardAlgorithmMaxCount',
  backwardData: 'cudnnGetConvolutionBackwardDataAlgorithmMaxCount',
  backwardFilter: 'cudnnGetConvolutionBackwardFilterAlgorithmMaxCount',
} as const;

/**
 * Time every algorithm once on the real buffers (cudnnFind*AlgorithmEx, as PyTorch's cudnn.benchmark) and
 * return all results, fastest first. `workspace` bounds what an algorithm may use during the search.
 */
export function findAlgorithms(
  cudnn: Cudnn,
  op: CudnnOp,
  d: CallDescriptors,
  b: CallBuffers,
  workspace: { ptr: bigint; bytes: number },
): AlgoPerf[] {
  const max = [0];
  cudnn.check(cudnn.api[MAX_COUNT_FN[op]](cudnn.handle, max), MAX_COUNT_FN[op]);
  const requested = Math.max(1, max[0]!);
  const perf = Buffer.alloc(requested * ALGO_PERF_BYTES);
  const returned = [0];
  const ws = workspace.bytes > 0 ? workspace.ptr : null;
  let status: number;
  let call: string;
  switch (op) {
    case 'forward':
      call = 'cudnnFindConvolutionForwardAlgorithmEx';
      status = cudnn.api.cudnnFindConvolutionForwardAlgorithmEx(
        cudnn.handle,
        d.x,
        b.x,
        d.w,
        b.w,
        d.conv,
        d.y,
        b.y,
        requested,
        returned,
        perf,
        ws,
        workspace.bytes,
      );
      break;
    case 'backwardData':
      call = 'cudnnFindConvolutionBackwardDataAlgorithmEx';
      status = cudnn.api.cudnnFindConvolutionBackwardDataAlgorithmEx(
        cudnn.handle,
        d.w,
        b.w,
        d.y,
        b.y,
        d.conv,
        d.x,
        b.x,
        requested,
        returned,
        perf,
        ws,
        workspace.bytes,
      );
      break;
    case 'backwardFilter':
      call = 'cudnnFindConvolutionBackwardFilterAlgorithmEx';
      status = cudnn.api.cudnnFindConvolutionBackwardFilterAlgorithmEx(
        cudnn.handle,
        d.x,
        b.x,
        d.y,
        b.y,
        d.conv,
        d.w,
        b.w,
        requested,
        returned,
        perf,
        ws,
        workspace.bytes,
      );
      break;
  }
  cudnn.check(status, call);
  return decodeAlgoPerfs(perf, returned[0]!);
}

export { chooseAlgo };
