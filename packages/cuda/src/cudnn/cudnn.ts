import { CudaCallError } from '../driver/cuda-error.js';
import { bindFunctions } from '../driver/driver-api.js';
import { type LibraryLocations, type LoadedLibrary, loadLibrary } from '../library/library-loader.js';
import { CUDNN_LIBRARY } from '../library/library-specs.js';
import type { SystemProbe } from '../library/system-probe.js';
import {
  CUDNN_CROSS_CORRELATION,
  CUDNN_DATA_FLOAT,
  CUDNN_PROTOTYPES,
  CUDNN_TENSOR_NCHW,
  type CudnnApi,
  formatCudnnVersion,
} from './cudnn-api.js';

/** Packed row-major strides of a shape. */
export function packedStrides(dims: readonly number[]): number[] {
  const s = new Array<number>(dims.length).fill(1);
  for (let i = dims.length - 2; i >= 0; i--) s[i] = s[i + 1]! * dims[i + 1]!;
  return s;
}

/** cuDNN bound (libcudnn.so.9), one handle on the given stream, and float32 descriptor helpers. */
export class Cudnn {
  readonly api: CudnnApi;
  readonly library: LoadedLibrary;
  readonly versionNumber: number;
  readonly version: string;
  readonly handle: bigint;
  private disposed = false;

  constructor(stream: bigint, locations: LibraryLocations = {}, probe?: SystemProbe) {
    this.library = loadLibrary(CUDNN_LIBRARY, locations, probe);
    this.api = bindFunctions(this.library, CUDNN_PROTOTYPES) as CudnnApi;
    this.versionNumber = Number(this.api.cudnnGetVersion());
    this.version = formatCudnnVersion(this.versionNumber);
    const h: (bigint | null)[] = [null];
    this.check(this.api.cudnnCreate(h), 'cudnnCreate');
    this.handle = h[0] ?? 0n;
    this.check(this.api.cudnnSetStream(this.handle, stream), 'cudnnSetStream');
  }

  check(status: number, call: string): void {
    if (status === 0) return;
    let name = `cudnnStatus ${status}`;
    try {
      name = (this.api.cudnnGetErrorString(status) as string | null) ?? name;
    } catch {
      // keep the number
    }
    const hint = /SUBLIBRARY|LOADING/i.test(name)
      ? 'cuDNN could not load a sub-library by name: start the process with cudaChildEnv() added to its env'
      : undefined;
    throw new CudaCallError('cuDNN', call, status, name, undefined, hint);
  }

  private create(fn: keyof CudnnApi, call: string): bigint {
    const out: (bigint | null)[] = [null];
    this.check(this.api[fn](out), call);
    return out[0] ?? 0n;
  }

  /** A packed float32 NCDHW tensor descriptor. */
  tensorDescriptor(dims: readonly number[]): bigint {
    const d = this.create('cudnnCreateTensorDescriptor', 'cudnnCreateTensorDescriptor');
    this.check(
      this.api.cudnnSetTensorNdDescriptor(
        d,
        CUDNN_DATA_FLOAT,
        dims.length,
        Int32Array.from(dims),
        Int32Array.from(packedStrides(dims)),
      ),
      `cudnnSetTensorNdDescriptor([${dims.join(',')}])`,
    );
    return d;
  }

  /** A float32 filter descriptor, dims [K, C, kd, kh, kw]. */
  filterDescriptor(dims: readonly number[]): bigint {
    const d = this.create('cudnnCreateFilterDescriptor', 'cudnnCreateFilterDescriptor');
    this.check(
      this.api.cudnnSetFilterNdDescriptor(
        d,
        CUDNN_DATA_FLOAT,
        CUDNN_TENSOR_NCHW,
        dims.length,
        Int32Array.from(dims),
      ),
      `cudnnSetFilterNdDescriptor([${dims.join(',')}])`,
    );
    return d;
  }

  /** A cross-correlation (PyTorch's convolution) descriptor with float32 compute and the given math type. */
  convolutionDescriptor(
    pad: readonly number[],
    stride: readonly number[],
    dilation: readonly number[],
    mathType: number,
  ): bigint {
    const d = this.create('cudnnCreateConvolutionDescriptor', 'cudnnCreateConvolutionDescriptor');
    this.check(
      this.api.cudnnSetConvolutionNdDescriptor(
        d,
        pad.length,
        Int32Array.from(pad),
        Int32Array.from(stride),
        Int32Array.from(dilation),
        CUDNN_CROSS_CORRELATION,
        CUDNN_DATA_FLOAT,
      ),
      'cudnnSetConvolutionNdDescriptor',
    );
    this.setMathType(d, mathType);
    return d;
  }

  setMathType(convDesc: bigint, mathType: number): void {
    this.check(this.api.cudnnSetConvolutionMathType(convDesc, mathType), 'cudnnSetConvolutionMathType');
  }

  /** The output dims cuDNN computes for a forward convolution (to cross-check our shape arithmetic). */
  forwardOutputDims(conv: bigint, xDesc: bigint, wDesc: bigint, nbDims: number): number[] {
    const out = new Int32Array(nbDims);
    this.check(
      this.api.cudnnGetConvolutionNdForwardOutputDim(conv, xDesc, wDesc, nbDims, out),
      'cudnnGetConvolutionNdForwardOutputDim',
    );
    return [...out];
  }

  destroyTensor(d: bigint): void {
    this.check(this.api.cudnnDestroyTensorDescriptor(d), 'cudnnDestroyTensorDescriptor');
  }

  destroyFilter(d: bigint): void {
    this.check(this.api.cudnnDestroyFilterDescriptor(d), 'cudnnDestroyFilterDescriptor');
  }

  destroyConvolution(d: bigint): void {
    this.check(this.api.cudnnDestroyConvolutionDescriptor(d), 'cudnnDestroyConvolutionDescriptor');
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.check(this.api.cudnnDestroy(this.handle), 'cudnnDestroy');
  }
}
