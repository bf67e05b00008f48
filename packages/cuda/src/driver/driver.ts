import { type LibraryLocations, type LoadedLibrary, loadLibrary } from '../library/library-loader.js';
import { CUDA_DRIVER_LIBRARY } from '../library/library-specs.js';
import type { SystemProbe } from '../library/system-probe.js';
import { CudaCallError, hintForCudaError } from './cuda-error.js';
import { bindFunctions, DRIVER_PROTOTYPES, type DriverApi } from './driver-api.js';

/** libcuda bound, with one `check()` through which every call's CUresult passes. */
export class CudaDriver {
  readonly api: DriverApi;
  readonly library: LoadedLibrary;

  private constructor(library: LoadedLibrary) {
    this.library = library;
    this.api = bindFunctions(library, DRIVER_PROTOTYPES) as DriverApi;
  }

  /** Load libcuda (LibraryNotFoundError when absent) and run cuInit(0). */
  static load(locations: LibraryLocations = {}, probe?: SystemProbe): CudaDriver {
    const driver = new CudaDriver(loadLibrary(CUDA_DRIVER_LIBRARY, locations, probe));
    driver.check(driver.api.cuInit(0), 'cuInit');
    return driver;
  }

  /** The CUresult's name, e.g. CUDA_ERROR_INVALID_VALUE (cuGetErrorName). */
  errorName(status: number): string {
    const out: (string | null)[] = [null];
    try {
      if (this.api.cuGetErrorName(status, out) === 0 && out[0]) return out[0];
    } catch {
      // fall through
    }
    return `CUresult ${status}`;
  }

  errorString(status: number): string | undefined {
    const out: (string | null)[] = [null];
    try {
      if (this.api.cuGetErrorString(status, out) === 0 && out[0]) return out[0];
    } catch {
      // fall through
    }
    return undefined;
  }

  /** Throw a named CudaCallError unless `status` is CUDA_SUCCESS. */
  check(status: number, call: string): void {
    if (status === 0) return;
    const name = this.errorName(status);
    throw new CudaCallError(
      'CUDA driver',
      call,
      status,
      name,
      this.errorString(status),
      hintForCudaError(name),
    );
  }

  /** Call `fn` with a one-element out array and return what it wrote, checking the status. */
  out<T>(call: string, fn: (out: T[]) => number, initial: T): T {
    const box: T[] = [initial];
    this.check(fn(box), call);
    return box[0] as T;
  }

  version(): number {
    return this.out('cuDriverGetVersion', (o) => this.api.cuDriverGetVersion(o), 0);
  }

  deviceCount(): number {
    return this.out('cuDeviceGetCount', (o) => this.api.cuDeviceGetCount(o), 0);
  }
}

/** A driver version integer (13000) as text ("13.0"). */
export function formatCudaVersion(v: number): string {
  return `${Math.floor(v / 1000)}.${Math.floor((v % 1000) / 10)}`;
}
