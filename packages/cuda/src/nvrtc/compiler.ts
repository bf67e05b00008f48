import os from 'node:os';
import path from 'node:path';
import { DeviceError } from '@unet3d/core';
import { CudaCallError } from '../driver/cuda-error.js';
import { bindFunctions } from '../driver/driver-api.js';
import { findCudaIncludeDir, NVRTC_REQUIRED_HEADERS } from '../library/library-finder.js';
import { type LibraryLocations, type LoadedLibrary, loadLibrary } from '../library/library-loader.js';
import { NVRTC_LIBRARY } from '../library/library-specs.js';
import { createSystemProbe, type SystemProbe } from '../library/system-probe.js';
import { CompileCache, compileCacheKey } from './compile-cache.js';
import { NVRTC_ERROR_COMPILATION, NVRTC_PROTOTYPES, type NvrtcApi } from './nvrtc-api.js';

/**
 * A kernel source failed to compile; `log` is NVRTC's compile log. A header NVRTC could not open, where the
 * compiler found no complete CUDA include folder (`includeProblem`), is named as that, not as a kernel bug.
 */
export class NvrtcCompileError extends DeviceError {
  readonly log: string;
  constructor(name: string, arch: string, log: string, includeProblem?: string) {
    super(
      `NVRTC could not compile ${name} for ${arch}:\n${log.trim()}`,
      includeProblem && /cannot open source file/.test(log)
        ? `${includeProblem}: install the CUDA toolkit's headers (e.g. /usr/local/cuda/include) or set CUDA_HOME`
        : 'this is a bug in the generated kernel source; the log above names the line',
    );
    this.log = log;
  }
}

export interface CompilerOptions extends LibraryLocations {
  /** Folder for compiled cubins; null disables the disk cache. Default: <os tmp>/unet3d-nvrtc-cache. */
  cacheDir?: string | null;
  /** Options added to every compile (after the arch), default ['-std=c++17']. */
  defaultOptions?: readonly string[];
  /**
   * Folders handed to NVRTC as `--include-path`. Default: the first CUDA include folder holding `mma.h` and
   * `crt/mma.h` found by findCudaIncludeDir ($CUDA_HOME, /usr/local/cuda*, the cuda-toolkit / nvidia-cuda-nvrtc /
   * nvidia-cuda-runtime pip wheels); NVRTC 13.0 does not find `mma.h` by itself, so without it every
   * tensor-core (WMMA) kernel fails to compile. [] passes none.
   */
  includeDirs?: readonly string[];
  probe?: SystemProbe;
}

export interface CompileRequest {
  /** Program name, used in errors and logs (e.g. "elu.cu"). */
  name: string;
  source: string;
  /** Extra NVRTC options for this compile. */
  options?: readonly string[];
}

export interface CompileResult {
  readonly cubin: Uint8Array;
  readonly log: string;
  readonly key: string;
  readonly cached: boolean;
}

export function defaultCacheDir(): string {
  return path.join(os.tmpdir(), 'unet3d-nvrtc-cache');
}

/** NVRTC: CUDA C++ source → cubin for one architecture (sm_XX), cached on disk by a hash of everything relevant. */
export class NvrtcCompiler {
  readonly api: NvrtcApi;
  readonly library: LoadedLibrary;
  readonly version: string;
  readonly cache: CompileCache;
  /** The `--include-path` folders every compile gets (see CompilerOptions.includeDirs). */
  readonly includeDirs: readonly string[];
  /** Why no include folder was found (none held every NVRTC_REQUIRED_HEADERS), else undefined. */
  readonly includeProblem: string | undefined;
  private readonly defaultOptions: readonly string[];

  constructor(options: CompilerOptions = {}) {
    this.library = loadLibrary(NVRTC_LIBRARY, options, options.probe);
    this.api = bindFunctions(this.library, NVRTC_PROTOTYPES) as NvrtcApi;
    const major = [0];
    const minor = [0];
    this.check(this.api.nvrtcVersion(major, minor), 'nvrtcVersion');
    this.version = `${major[0]}.${minor[0]}`;
    this.cache = new CompileCache(options.cacheDir === undefined ? defaultCacheDir() : options.cacheDir);
    const probe = options.probe ?? createSystemProbe();
    const found = options.includeDirs === undefined ? findCudaIncludeDir(probe) : undefined;
    this.includeDirs = options.includeDirs ?? (found?.dir ? [found.dir] : []);
    this.includeProblem =
      found && !found.dir
        ? `no CUDA include folder holds ${NVRTC_REQUIRED_HEADERS.join(' and ')} (searched: ${
            found.searched.join(', ') || 'none exists'
          }${found.incomplete.length ? `; incomplete: ${found.incomplete.join(', ')}` : ''})`
        : undefined;
    this.defaultOptions = [
      ...(options.defaultOptions ?? ['-std=c++17']),
      ...this.includeDirs.map((d) => `--include-path=${d}`),
    ];
  }

  private check(status: number, call: string): void {
    if (status === 0) return;
    let name = `nvrtcResult ${status}`;
    try {
      name = (this.api.nvrtcGetErrorString(status) as string | null) ?? name;
    } catch {
      // keep the number
    }
    throw new CudaCallError('NVRTC', call, status, name);
  }

  /** Compile for `arch` (e.g. "sm_90"); returns the cached cubin when source, arch, options and version match. */
  compile(request: CompileRequest, arch: string): CompileResult {
    const options = [`--gpu-architecture=${arch}`, ...this.defaultOptions, ...(request.options ?? [])];
    const key = compileCacheKey({
      source: request.source,
      arch,
      options,
      compilerVersion: `nvrtc ${this.version}`,
    });
    const hit = this.cache.get(key);
    if (hit) return { cubin: hit, log: '', key, cached: true };

    const prog: (bigint | null)[] = [null];
    this.check(
      this.api.nvrtcCreateProgram(prog, request.source, request.name, 0, null, null),
      'nvrtcCreateProgram',
    );
    try {
      const status = this.api.nvrtcCompileProgram(prog[0], options.length, options) as number;
      const log = this.readLog(prog[0] ?? null);
      if (status === NVRTC_ERROR_COMPILATION)
        throw new NvrtcCompileError(request.name, arch, log, this.includeProblem);
      this.check(status, `nvrtcCompileProgram(${request.name})`);
      const size = [0];
      this.check(this.api.nvrtcGetCUBINSize(prog[0], size), 'nvrtcGetCUBINSize');
      const cubin = Buffer.alloc(Number(size[0]));
      this.check(this.api.nvrtcGetCUBIN(prog[0], cubin), 'nvrtcGetCUBIN');
      this.cache.put(key, cubin);
      return { cubin, log, key, cached: false };
    } finally {
      this.api.nvrtcDestroyProgram(prog);
    }
  }

  private readLog(prog: bigint | null): string {
    const size = [0];
    if (this.api.nvrtcGetProgramLogSize(prog, size) !== 0 || Number(size[0]) <= 1) return '';
    const buf = Buffer.alloc(Number(size[0]));
    if (this.api.nvrtcGetProgramLog(prog, buf) !== 0) return '';
    return buf.toString('utf8').replace(/\0+$/, '');
  }
}
