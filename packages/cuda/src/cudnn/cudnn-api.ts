import type { KoffiFunction } from '../library/koffi.js';

/** cuDNN 9 entry points used (legacy convolution API, still present in cuDNN 9's libcudnn_cnn). Handles are `void *`. */
export const CUDNN_PROTOTYPES = [
  ['cudnnGetVersion', ['size_t cudnnGetVersion()']],
  ['cudnnGetErrorString', ['const char *cudnnGetErrorString(int status)']],
  ['cudnnCreate', ['int cudnnCreate(_Out_ void **handle)']],
  ['cudnnDestroy', ['int cudnnDestroy(void *handle)']],
  ['cudnnSetStream', ['int cudnnSetStream(void *handle, void *stream)']],
  ['cudnnCreateTensorDescriptor', ['int cudnnCreateTensorDescriptor(_Out_ void **desc)']],
  [
    'cudnnSetTensorNdDescriptor',
    ['int cudnnSetTensorNdDescriptor(void *desc, int dataType, int nbDims, void *dims, void *strides)'],
  ],
  ['cudnnDestroyTensorDescriptor', ['int cudnnDestroyTensorDescriptor(void *desc)']],
  ['cudnnCreateFilterDescriptor', ['int cudnnCreateFilterDescriptor(_Out_ void **desc)']],
  [
    'cudnnSetFilterNdDescriptor',
    ['int cudnnSetFilterNdDescriptor(void *desc, int dataType, int format, int nbDims, void *dims)'],
  ],
  ['cudnnDestroyFilterDescriptor', ['int cudnnDestroyFilterDescriptor(void *desc)']],
  ['cudnnCreateConvolutionDescriptor', ['int cudnnCreateConvolutionDescriptor(_Out_ void **desc)']],
  [
    'cudnnSetConvolutionNdDescriptor',
    [
      'int cudnnSetConvolutionNdDescriptor(void *desc, int arrayLength, void *pad, void *stride, ' +
        'void *dilation, int mode, int computeType)',
    ],
  ],
  ['cudnnSetConvolutionMathType', ['int cudnnSetConvolutionMathType(void *desc, int mathType)']],
  ['cudnnDestroyConvolutionDescriptor', ['int cudnnDestroyConvolutionDescriptor(void *desc)']],
  [
    'cudnnGetConvolutionNdForwardOutputDim',
    [
      'int cudnnGetConvolutionNdForwardOutputDim(void *conv, void *xDesc, void *wDesc, int nbDims, void *outDims)',
    ],
  ],
  [
    'cudnnGetConvolutionForwardAlgorithmMaxCount',
    ['int cudnnGetConvolutionForwardAlgorithmMaxCount(void *h, _Out_ int *n)'],
  ],
  [
    'cudnnGetConvolutionBackwardDataAlgorithmMaxCount',
    ['int cudnnGetConvolutionBackwardDataAlgorithmMaxCount(void *h, _Out_ int *n)'],
  ],
  [
    'cudnnGetConvolutionBackwardFilterAlgorithmMaxCount',
    ['int cudnnGetConvolutionBackwardFilterAlgorithmMaxCount(void *h, _Out_ int *n)'],
  ],
  [
    'cudnnFindConvolutionForwardAlgorithmEx',
    [
      'int cudnnFindConvolutionForwardAlgorithmEx(void *h, void *xDesc, void *x, void *wDesc, void *w, ' +
        'void *convDesc, void *yDesc, void *y, int requested, _Out_ int *returned, void *perf, void *ws, size_t wsBytes)',
    ],
  ],
  [
    'cudnnFindConvolutionBackwardDataAlgorithmEx',
    [
      'int cudnnFindConvolutionBackwardDataAlgorithmEx(void *h, void *wDesc, void *w, void *dyDesc, void *dy, ' +
        'void *convDesc, void *dxDesc, void *dx, int requested, _Out_ int *returned, void *perf, void *ws, size_t wsBytes)',
    ],
  ],
  [
    'cudnnFindConvolutionBackwardFilterAlgorithmEx',
    [
      'int cudnnFindConvolutionBackwardFilterAlgorithmEx(void *h, void *xDesc, void *x, void *dyDesc, void *dy, ' +
        'void *convDesc, void *dwDesc, void *dw, int requested, _Out_ int *returned, void *perf, void *ws, size_t wsBytes)',
    ],
  ],
  [
    'cudnnConvolutionForward',
    [
      'int cudnnConvolutionForward(void *h, void *alpha, void *xDesc, void *x, void *wDesc, void *w, ' +
        'void *convDesc, int algo, void *ws, size_t wsBytes, void *beta, void *yDesc, void *y)',
    ],
  ],
  [
    'cudnnConvolutionBackwardData',
    [
      'int cudnnConvolutionBackwardData(void *h, void *alpha, void *wDesc, void *w, void *dyDesc, void *dy, ' +
        'void *convDesc, int algo, void *ws, size_t wsBytes, void *beta, void *dxDesc, void *dx)',
    ],
  ],
  [
    'cudnnConvolutionBackwardFilter',
    [
      'int cudnnConvolutionBackwardFilter(void *h, void *alpha, void *xDesc, void *x, void *dyDesc, void *dy, ' +
        'void *convDesc, int algo, void *ws, size_t wsBytes, void *beta, void *dwDesc, void *dw)',
    ],
  ],
] as const satisfies ReadonlyArray<readonly [string, readonly string[]]>;

export type CudnnApi = Record<(typeof CUDNN_PROTOTYPES)[number][0], KoffiFunction>;

export const CUDNN_DATA_FLOAT = 0;
export const CUDNN_TENSOR_NCHW = 0;
export const CUDNN_CROSS_CORRELATION = 1;

/** cudnnMathType_t. DEFAULT permits TF32 on Ampere and later; FMA forbids tensor cores. */
export const CUDNN_MATH = {
  DEFAULT: 0,
  TENSOR_OP: 1,
  TENSOR_OP_ALLOW_CONVERSION: 2,
  FMA: 3,
} as const;

export const CUDNN_MATH_NAMES: Readonly<Record<number, string>> = {
  0: 'CUDNN_DEFAULT_MATH',
  1: 'CUDNN_TENSOR_OP_MATH',
  2: 'CUDNN_TENSOR_OP_MATH_ALLOW_CONVERSION',
  3: 'CUDNN_FMA_MATH',
};

/** cudnnGetVersion() (e.g. 90800) as "9.8.0". */
export function formatCudnnVersion(v: number): string {
  return `${Math.floor(v / 10000)}.${Math.floor((v % 10000) / 100)}.${v % 100}`;
}
