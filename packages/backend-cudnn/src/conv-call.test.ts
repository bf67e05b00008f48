import { convSpec, convWorkload } from '@unet3d/core';
import { describe, expect, it } from 'vitest';
import { algoName } from './algo-names.js';
import { cudnnConvCall, planKey } from './conv-call.js';

describe('cudnnConvCall', () => {
  const conv = convWorkload([1, 24, 8, 16, 16], 32, convSpec({ kernel: 3, padding: 'same' }));
  const emb = convWorkload(
    [2, 1, 4, 10, 10],
    24,
    convSpec({ kernel: [1, 5, 5], stride: [1, 2, 2], padding: [0, 2, 2] }),
  );
  const head = convWorkload(
    [1, 24, 4, 8, 8],
    12,
    convSpec({ kernel: [1, 2, 2], stride: [1, 2, 2], transposed: true }),
  );

  it('maps a normal conv pass for pass', () => {
    const f = cudnnConvCall(conv, 'forward');
    expect(f).toMatchObject({
      op: 'forward',
      xDims: [1, 24, 8, 16, 16],
      yDims: [1, 32, 8, 16, 16],
      wDims: [32, 24, 3, 3, 3],
      pad: [1, 1, 1],
      stride: [1, 1, 1],
      dilation: [1, 1, 1],
      resultDims: [1, 32, 8, 16, 16],
      swapFilterInputs: false,
    });
    expect(cudnnConvCall(conv, 'backwardData')).toMatchObject({
      op: 'backwardData',
      resultDims: [1, 24, 8, 16, 16],
    });
    expect(cudnnConvCall(conv, 'backwardFilter')).toMatchObject({
      op: 'backwardFilter',
      resultDims: [32, 24, 3, 3, 3],
    });
  });

  it('keeps strides and asymmetric kernels (the strided embedding)', () => {
    const f = cudnnConvCall(emb, 'forward');
    expect(f.yDims).toEqual([2, 24, 4, 5, 5]);
    expect(f.pad).toEqual([0, 2, 2]);
    expect(f.stride).toEqual([1, 2, 2]);
    expect(f.wDims).toEqual([24, 1, 1, 5, 5]);
  });

  it('phrases a transposed conv through the conv from its output back to its input', () => {
    const f = cudnnConvCall(head, 'forward');
    expect(f).toMatchObject({
      op: 'backwardData',
      xDims: [1, 12, 4, 16, 16], // the transposed output plays the conv input
      yDims: [1, 24, 4, 8, 8], // the transposed input plays the conv output
      wDims: [24, 12, 1, 2, 2], // PyTorch's [Cin, Cout, k] is cuDNN's [K, C, k]
      resultDims: [1, 12, 4, 16, 16],
    });
    expect(cudnnConvCall(head, 'backwardData')).toMatchObject({
      op: 'forward',
      resultDims: [1, 24, 4, 8, 8],
    });
    expect(cudnnConvCall(head, 'backwardFilter')).toMatchObject({
      op: 'backwardFilter',
      swapFilterInputs: true,
      resultDims: [24, 12, 1, 2, 2],
    });
  });

  it('includes output padding in the transposed output dims', () => {
    const t = convWorkload(
      [1, 4, 3, 3, 3],
      2,
      convSpec({ kernel: 3, stride: 2, padding: 1, outputPadding: 1, transposed: true }),
    );
    const f = cudnnConvCall(t, 'forward');
    expect(f.xDims).toEqual([1, 2, 6, 6, 6]);
    // cuDNN's forward of that conv must land back on the input size: ⌊(6 + 2 − 3)/2⌋ + 1 = 3.
    expect(Math.floor((6 + 2 * 1 - 3) / 2) + 1).toBe(3);
  });

  it('keys plans per pass and workload; names algorithms', () => {
    expect(planKey('forward', 'conv_x')).toBe('forward:conv_x');
    expect(algoName('forward', 1)).toBe('CUDNN_CONVOLUTION_FWD_ALGO_IMPLICIT_PRECOMP_GEMM');
    expect(algoName('backwardData', 1)).toBe('CUDNN_CONVOLUTION_BWD_DATA_ALGO_1');
    expect(algoName('backwardFilter', 3)).toBe('CUDNN_CONVOLUTION_BWD_FILTER_ALGO_3');
    expect(algoName('forward', 42)).toBe('CUDNN_CONVOLUTION_FWD_ALGO_42');
  });
});
