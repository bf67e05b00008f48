import {
  type Device,
  type DeviceMemoryStats,
  type DeviceOps,
  type HostArray,
  numel,
  type Shape,
  type Tensor,
} from '@unet3d/core';
import { CudaDriver, formatCudaVersion } from '../driver/driver.js';
import type { LibraryLocations } from '../library/library-loader.js';
import { type AllocatorStats, PooledAllocator } from '../memory/allocator.js';
import { NvrtcCompiler } from '../nvrtc/compiler.js';
import { CudaContext } from '../runtime/context.js';
import { asCuda, CudaTensor } from './cuda-tensor.js';
import { KernelCache } from './kernel-cache.js';
import { ALL_KERNEL_SOURCES } from './kernels/index.js';
import { createCudaOps } from './ops/index.js';

export interface CudaDeviceOptions extends LibraryLocations {
  /** GPU ordinal (as CUDA numbers them after CUDA_VISIBLE_DEVICES), default 0. */
  ordinal?: number;
  /** NVRTC cubin cache folder; null disables. Default <os tmp>/unet3d-nvrtc-cache. */
  kernelCacheDir?: string | null;
}

/**
 * The CUDA Device: float32 tensors in pooled GPU memory, every op an NVRTC kernel on one stream, timing
 * with CUDA events. Create with `CudaDevice.create()`; it throws LibraryNotFoundError / CudaCallError
 * with a hint when there is no usable GPU.
 */
export class CudaDevice implements Device {
  readonly kind = 'cuda' as const;
  readonly name: string;
  readonly ops: DeviceOps;
  readonly driver: CudaDriver;
  readonly ctx: CudaContext;
  readonly compiler: NvrtcCompiler;
  readonly allocator: PooledAllocator;
  readonly kernels: KernelCache;
  private readonly live = new Set<CudaTensor>();
  private disposed = false;

  private constructor(options: CudaDeviceOptions) {
    this.driver = CudaDriver.load(options);
    this.ctx = CudaContext.create(this.driver, options.ordinal ?? 0);
    this.compiler = new NvrtcCompiler({
      ...options,
      ...(options.kernelCacheDir !== undefined ? { cacheDir: options.kernelCacheDir } : {}),
    });
    const ctx = this.ctx;
    this.allocator = new PooledAllocator(
      { alloc: (bytes) => ctx.memAlloc(bytes), free: (ptr) => ctx.memFree(ptr) },
      { beforeRelease: () => ctx.synchronize() },
    );
    this.kernels = new KernelCache(ctx, this.compiler);
    this.name = ctx.name;
    this.ops = createCudaOps({
      ctx,
      alloc: (shape) => this.alloc(shape),
      allocScratch: (bytes) => this.allocator.alloc(bytes).ptr,
      freeScratch: (ptr) => this.allocator.free(ptr),
      program: (source) => this.kernels.get(source),
    });
  }

  static create(options: CudaDeviceOptions = {}): CudaDevice {
    return new CudaDevice(options);
  }

  /** Compile (or load from the disk cache) every kernel file now, so no compile lands inside a timing. */
  compileKernels(): { name: string; cached: boolean }[] {
    for (const source of ALL_KERNEL_SOURCES) this.kernels.get(source);
    return [...this.kernels.compiled];
  }

  alloc(shape: Shape): CudaTensor {
    const n = numel(shape);
    const block = this.allocator.alloc(n * 4);
    const t = new CudaTensor([...shape], block.ptr, block.bytes);
    this.live.add(t);
    return t;
  }

  zeros(shape: Shape): CudaTensor {
    const t = this.alloc(shape);
    this.ctx.fill32(t.ptr, 0, t.size);
    return t;
  }

  upload(data: HostArray, shape: Shape): CudaTensor {
    const t = this.alloc(shape);
    if (data.length !== t.size) {
      this.free(t);
      throw new RangeError(`upload: ${data.length} values for shape [${shape.join(',')}]`);
    }
    const f32 = data instanceof Float32Array ? data : Float32Array.from(data);
    this.ctx.copyToDevice(t.ptr, f32);
    return t;
  }

  download(t: Tensor): Float32Array {
    const c = asCuda(t);
    const out = new Float32Array(c.size);
    this.ctx.copyToHost(out, c.ptr);
    return out;
  }

  free(t: Tensor): void {
    const c = asCuda(t);
    if (!this.live.delete(c)) return; // freeing twice is a no-op, as on the CPU device
    this.allocator.free(c.ptr);
  }

  synchronize(): void {
    this.ctx.synchronize();
  }

  measure<T>(fn: () => Promise<T> | T): Promise<{ value: T; ms: number }> {
    return this.ctx.time(fn);
  }

  memoryStats(): DeviceMemoryStats & { allocator: AllocatorStats } {
    const s = this.allocator.stats();
    return {
      currentBytes: s.currentBytes,
      peakBytes: s.peakBytes,
      reservedBytes: s.reservedBytes,
      allocator: s,
    };
  }

  describe(): Record<string, string | number> {
    const [major, minor] = this.ctx.computeCapability;
    return {
      device: 'cuda',
      name: this.name,
      ordinal: this.ctx.ordinal,
      computeCapability: `${major}.${minor}`,
      arch: this.ctx.arch,
      smCount: this.ctx.smCount,
      totalMemoryBytes: this.ctx.totalBytes,
      driverVersion: formatCudaVersion(this.driver.version()),
      libcuda: this.driver.library.path,
      nvrtcVersion: this.compiler.version,
      libnvrtc: this.compiler.library.path,
      kernelCacheDir: this.compiler.cache.dir ?? 'off',
    };
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.ctx.synchronize();
    this.kernels.dispose();
    this.live.clear();
    this.allocator.releaseAll();
    this.ctx.dispose();
  }
}
