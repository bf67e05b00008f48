/**
 * The small GPU interface the tuner and the backend are written against. `@unet3d/cuda` is adapted to it in
 * cuda-adapter.ts; `nvcc-builder.ts` implements the compile half on a machine without a GPU.
 */

/** One kernel to build: a translation unit and the `extern "C"` entry point in it. */
export interface KernelBuildRequest {
  readonly name: string;
  readonly source: string;
  /** Headers included (the builder passes the CUDA include directory when any). */
  readonly includes: readonly string[];
}

export interface CompiledKernel {
  readonly name: string;
  /** cubin (or PTX) image; empty when the builder only checks compilation. */
  readonly image: Uint8Array;
  /** ptxas figures where the builder knows them. */
  readonly registers?: number;
  readonly spillStoreBytes?: number;
  readonly spillLoadBytes?: number;
  readonly log?: string;
}

export interface BuildOptions {
  /** Compute capability, e.g. 90 for sm_90. */
  readonly arch: number;
  readonly timeoutMs: number;
}

/** Result per request: a kernel, or an error kind and message (builders never throw for a bad kernel). */
export type BuildResult =
  | { readonly ok: true; readonly kernel: CompiledKernel }
  | { readonly ok: false; readonly kind: 'compile' | 'timeout' | 'host'; readonly message: string };

export interface KernelBuilder {
  readonly description: string;
  /** Build several kernels; implementations may batch them and run in parallel. */
  buildMany(requests: readonly KernelBuildRequest[], options: BuildOptions): Promise<BuildResult[]>;
}

/** Opaque device buffer (a device pointer and its size). */
export interface DeviceBuffer {
  readonly ptr: bigint;
  readonly bytes: number;
}

export interface LaunchDims {
  readonly grid: readonly [number, number, number];
  readonly block: readonly [number, number, number];
  readonly sharedBytes: number;
}

/** A loaded kernel handle (module + function) owned by the runner. */
export interface LoadedKernel {
  readonly name: string;
}

export interface DeviceFacts {
  readonly device: string;
  readonly driver: string;
  readonly cuda: string;
  readonly arch: number;
  readonly maxThreadsPerBlock: number;
  readonly maxSharedBytesPerBlock: number;
}

export interface KernelRunner {
  facts(): DeviceFacts;
  alloc(bytes: number): DeviceBuffer;
  free(buffer: DeviceBuffer): void;
  upload(buffer: DeviceBuffer, data: Float32Array): void;
  download(buffer: DeviceBuffer, count: number): Float32Array;
  zero(buffer: DeviceBuffer): void;
  load(kernel: CompiledKernel): LoadedKernel;
  unload(kernel: LoadedKernel): void;
  /** Launch (asynchronously) with pointer arguments. */
  launch(kernel: LoadedKernel, dims: LaunchDims, args: readonly DeviceBuffer[]): void;
  /** Time `fn` (which enqueues launches) with events: one number in ms per repeat. Throws on a device fault. */
  time(fn: () => void, repeats: number): number[];
  synchronize(): void;
}
