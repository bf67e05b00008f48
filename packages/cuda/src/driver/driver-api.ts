import { DeviceError } from '@unet3d/core';
import type { KoffiFunction, LibraryHandle } from '../library/koffi.js';
import type { LibrarySpec } from '../library/library-specs.js';

/**
 * The CUDA driver entry points used here, bound by their exported (versioned) names as cuda.h maps them
 * in CUDA 12/13. Handles (CUcontext, CUstream, ...) and CUdeviceptr are bound as `void *`, so koffi gives
 * and takes them as bigint. Output parameters are passed as one-element arrays.
 */
export interface DriverApi {
  cuGetErrorName: KoffiFunction;
  cuGetErrorString: KoffiFunction;
  cuInit: KoffiFunction;
  cuDriverGetVersion: KoffiFunction;
  cuDeviceGetCount: KoffiFunction;
  cuDeviceGet: KoffiFunction;
  cuDeviceGetName: KoffiFunction;
  cuDeviceGetAttribute: KoffiFunction;
  cuDeviceTotalMem: KoffiFunction;
  cuDevicePrimaryCtxRetain: KoffiFunction;
  cuDevicePrimaryCtxRelease: KoffiFunction;
  cuCtxSetCurrent: KoffiFunction;
  cuCtxSynchronize: KoffiFunction;
  cuMemGetInfo: KoffiFunction;
  cuMemAlloc: KoffiFunction;
  cuMemFree: KoffiFunction;
  cuMemcpyHtoDAsync: KoffiFunction;
  cuMemcpyDtoHAsync: KoffiFunction;
  cuMemcpyDtoDAsync: KoffiFunction;
  cuMemsetD32Async: KoffiFunction;
  cuModuleLoadData: KoffiFunction;
  cuModuleUnload: KoffiFunction;
  cuModuleGetFunction: KoffiFunction;
  cuFuncGetAttribute: KoffiFunction;
  cuLaunchKernel: KoffiFunction;
  cuStreamCreate: KoffiFunction;
  cuStreamSynchronize: KoffiFunction;
  cuStreamDestroy: KoffiFunction;
  cuEventCreate: KoffiFunction;
  cuEventRecord: KoffiFunction;
  cuEventSynchronize: KoffiFunction;
  cuEventElapsedTime: KoffiFunction;
  cuEventDestroy: KoffiFunction;
}

/** Declarations: [our name, C prototype with the exported symbol]. Alternatives are tried in order. */
export const DRIVER_PROTOTYPES: ReadonlyArray<readonly [keyof DriverApi, readonly string[]]> = [
  ['cuGetErrorName', ['int cuGetErrorName(int error, _Out_ const char **pStr)']],
  ['cuGetErrorString', ['int cuGetErrorString(int error, _Out_ const char **pStr)']],
  ['cuInit', ['int cuInit(unsigned int flags)']],
  ['cuDriverGetVersion', ['int cuDriverGetVersion(_Out_ int *version)']],
  ['cuDeviceGetCount', ['int cuDeviceGetCount(_Out_ int *count)']],
  ['cuDeviceGet', ['int cuDeviceGet(_Out_ int *device, int ordinal)']],
  ['cuDeviceGetName', ['int cuDeviceGetName(void *name, int len, int dev)']],
  ['cuDeviceGetAttribute', ['int cuDeviceGetAttribute(_Out_ int *pi, int attrib, int dev)']],
  ['cuDeviceTotalMem', ['int cuDeviceTotalMem_v2(_Out_ size_t *bytes, int dev)']],
  ['cuDevicePrimaryCtxRetain', ['int cuDevicePrimaryCtxRetain(_Out_ void **pctx, int dev)']],
  [
    'cuDevicePrimaryCtxRelease',
    ['int cuDevicePrimaryCtxRelease_v2(int dev)', 'int cuDevicePrimaryCtxRelease(int dev)'],
  ],
  ['cuCtxSetCurrent', ['int cuCtxSetCurrent(void *ctx)']],
  ['cuCtxSynchronize', ['int cuCtxSynchronize()']],
  ['cuMemGetInfo', ['int cuMemGetInfo_v2(_Out_ size_t *free, _Out_ size_t *total)']],
  ['cuMemAlloc', ['int cuMemAlloc_v2(_Out_ void **dptr, size_t bytesize)']],
  ['cuMemFree', ['int cuMemFree_v2(void *dptr)']],
  ['cuMemcpyHtoDAsync', ['int cuMemcpyHtoDAsync_v2(void *dst, void *src, size_t bytes, void *stream)']],
  ['cuMemcpyDtoHAsync', ['int cuMemcpyDtoHAsync_v2(void *dst, void *src, size_t bytes, void *stream)']],
  ['cuMemcpyDtoDAsync', ['int cuMemcpyDtoDAsync_v2(void *dst, void *src, size_t bytes, void *stream)']],
  ['cuMemsetD32Async', ['int cuMemsetD32Async(void *dst, unsigned int value, size_t n, void *stream)']],
  ['cuModuleLoadData', ['int cuModuleLoadData(_Out_ void **module, void *image)']],
  ['cuModuleUnload', ['int cuModuleUnload(void *module)']],
  ['cuModuleGetFunction', ['int cuModuleGetFunction(_Out_ void **fn, void *module, const char *name)']],
  ['cuFuncGetAttribute', ['int cuFuncGetAttribute(_Out_ int *pi, int attrib, void *fn)']],
  [
    'cuLaunchKernel',
    [
      'int cuLaunchKernel(void *f, unsigned int gx, unsigned int gy, unsigned int gz, ' +
        'unsigned int bx, unsigned int by, unsigned int bz, unsigned int shared, void *stream, ' +
        'void *params, void *extra)',
    ],
  ],
  ['cuStreamCreate', ['int cuStreamCreate(_Out_ void **stream, unsigned int flags)']],
  ['cuStreamSynchronize', ['int cuStreamSynchronize(void *stream)']],
  ['cuStreamDestroy', ['int cuStreamDestroy_v2(void *stream)']],
  ['cuEventCreate', ['int cuEventCreate(_Out_ void **event, unsigned int flags)']],
  ['cuEventRecord', ['int cuEventRecord(void *event, void *stream)']],
  ['cuEventSynchronize', ['int cuEventSynchronize(void *event)']],
  [
    'cuEventElapsedTime',
    [
      'int cuEventElapsedTime_v2(_Out_ float *ms, void *start, void *end)',
      'int cuEventElapsedTime(_Out_ float *ms, void *start, void *end)',
    ],
  ],
  ['cuEventDestroy', ['int cuEventDestroy_v2(void *event)']],
];

/** The loaded library a binding comes from (LoadedLibrary satisfies it). */
export interface BindSource {
  readonly handle: LibraryHandle;
  /** The file that was loaded (or the bare soname dlopen resolved). */
  readonly path: string;
  readonly spec: Pick<LibrarySpec, 'displayName' | 'missingSymbolHint'>;
}

/**
 * Bind every prototype (each name's alternatives tried in order). A symbol this library lacks throws a
 * DeviceError whose one line names the symbol, the file that was loaded, and what to do (the spec's
 * missingSymbolHint): a library is found but too old is a different fix from a library not found.
 */
export function bindFunctions<K extends string>(
  library: BindSource,
  prototypes: ReadonlyArray<readonly [K, readonly string[]]>,
): Record<K, KoffiFunction> {
  const api = {} as Record<K, KoffiFunction>;
  for (const [name, protos] of prototypes) {
    let bound: KoffiFunction | undefined;
    for (const proto of protos) {
      try {
        bound = library.handle.func(proto);
        break;
      } catch {
        // try the next alternative
      }
    }
    if (!bound) {
      throw new DeviceError(
        `${library.spec.displayName} loaded from ${library.path} lacks the symbol ${name}`,
        library.spec.missingSymbolHint,
      );
    }
    api[name] = bound;
  }
  return api;
}

export const CU_DEVICE_ATTRIBUTE = {
  MULTIPROCESSOR_COUNT: 16,
  COMPUTE_CAPABILITY_MAJOR: 75,
  COMPUTE_CAPABILITY_MINOR: 76,
} as const;

export const CU_FUNC_ATTRIBUTE = { NUM_REGS: 4, LOCAL_SIZE_BYTES: 3, MAX_THREADS_PER_BLOCK: 0 } as const;
