import type { KoffiFunction } from '../library/koffi.js';

export interface NvrtcApi {
  nvrtcVersion: KoffiFunction;
  nvrtcGetErrorString: KoffiFunction;
  nvrtcCreateProgram: KoffiFunction;
  nvrtcCompileProgram: KoffiFunction;
  nvrtcGetCUBINSize: KoffiFunction;
  nvrtcGetCUBIN: KoffiFunction;
  nvrtcGetProgramLogSize: KoffiFunction;
  nvrtcGetProgramLog: KoffiFunction;
  nvrtcDestroyProgram: KoffiFunction;
}

/** NVRTC entry points (nvrtc.h, stable since CUDA 11.1). nvrtcProgram is bound as `void *` (a bigint). */
export const NVRTC_PROTOTYPES: ReadonlyArray<readonly [keyof NvrtcApi, readonly string[]]> = [
  ['nvrtcVersion', ['int nvrtcVersion(_Out_ int *major, _Out_ int *minor)']],
  ['nvrtcGetErrorString', ['const char *nvrtcGetErrorString(int result)']],
  [
    'nvrtcCreateProgram',
    [
      'int nvrtcCreateProgram(_Out_ void **prog, const char *src, const char *name, int numHeaders, ' +
        'void *headers, void *includeNames)',
    ],
  ],
  ['nvrtcCompileProgram', ['int nvrtcCompileProgram(void *prog, int numOptions, const char **options)']],
  ['nvrtcGetCUBINSize', ['int nvrtcGetCUBINSize(void *prog, _Out_ size_t *size)']],
  ['nvrtcGetCUBIN', ['int nvrtcGetCUBIN(void *prog, void *cubin)']],
  ['nvrtcGetProgramLogSize', ['int nvrtcGetProgramLogSize(void *prog, _Out_ size_t *size)']],
  ['nvrtcGetProgramLog', ['int nvrtcGetProgramLog(void *prog, void *log)']],
  ['nvrtcDestroyProgram', ['int nvrtcDestroyProgram(_Inout_ void **prog)']],
];

/** NVRTC_ERROR_COMPILATION: the source did not compile (the log says why). */
export const NVRTC_ERROR_COMPILATION = 6;
