import os from 'node:os';
import { performance } from 'node:perf_hooks';
import type {
  Device,
  DeviceMemoryStats,
  DeviceOps,
  FusedDeviceOps,
  HostArray,
  Shape,
  Tensor,
} from '@unet3d/core';
import { ConfigError, errorToOneLine, numel } from '@unet3d/core';
import type { CCompiler } from '@unet3d/native';
import { asCpu, type CpuPrecision, CpuTensor } from './cpu-tensor.js';
import { type CpuKernelsInfo, loadCpuKernels } from './native/cpu-kernels.js';
import { createNativeFusedOps } from './native/native-fused-ops.js';
import { createNativeOps } from './native/native-ops.js';
import { createCpuOps } from './ops/index.js';

/** Whether the CPU device runs its ops as native (C) kernels: 'auto' when a compiler is found, 'on' or 'off'. */
export type CpuNativeMode = 'auto' | 'on' | 'off';

export interface CpuDeviceOptions {
  /** 'float64' is the gradient-check mode; 'float32' (default) is what training runs in. */
  precision?: CpuPrecision;
  /**
   * Most bytes of freed storage kept for reuse (default: a quarter of system memory); 0 turns pooling off.
   * Freed buffers beyond it go to the garbage collector, least recently used sizes first.
   */
  poolBytes?: number;
  /**
   * Native ops (C kernels built with the system compiler, vectorised, on all cores): 'auto' (default; the
   * environment variable UNET3D_CPU_NATIVE overrides it) uses them when a compiler is found and builds, and
   * JavaScript ops otherwise, saying why in describe(); 'on' throws the one-line reason instead; 'off' runs
   * the JavaScript ops. float64 (check) precision always runs the JavaScript ops.
   */
  native?: CpuNativeMode;
  /** Compiler and build-cache folder for the native ops (defaults: findCompiler(), ~/.cache/unet3d/native). */
  compiler?: CCompiler;
  nativeCacheDir?: string;
  /**
   * OpenMP threads of the native ops (default: OMP_NUM_THREADS, else every core). The setting is per process:
   * the last device created with it wins. Fewer than the cores helps on a machine shared with other work,
   * where a parallel region waits for its slowest, descheduled thread.
   */
  threads?: number;
}

function nativeMode(options: CpuDeviceOptions): CpuNativeMode {
  const raw = options.native ?? process.env.UNET3D_CPU_NATIVE ?? 'auto';
  if (raw !== 'auto' && raw !== 'on' && raw !== 'off') {
    throw new ConfigError(
      `CPU native mode must be auto, on or off, got '${raw}'`,
      'set UNET3D_CPU_NATIVE=auto|on|off',
    );
  }
  return raw;
}

/**
 * The threads the native ops use, as describe() states them: '2 threads, load guard off' (fixed), or with the
 * guard on, '2 threads (1 while the 1-minute load average exceeds 2.5: load guard on)'.
 */
function threadsDescription(info: CpuKernelsInfo): string {
  const n = `${info.threads} thread${info.threads === 1 ? '' : 's'}`;
  if (!info.loadGuard || info.threads === 1) return `${n}, load guard ${info.loadGuard ? 'on' : 'off'}`;
  const limit = os.availableParallelism() + 0.5;
  return `${n} (1 while the 1-minute load average exceeds ${limit}: load guard on)`;
}

/** memoryStats() of the CPU device: `pooledBytes` is freed storage kept for reuse, `reservedBytes` live + pooled. */
export interface CpuMemoryStats extends DeviceMemoryStats {
  reservedBytes: number;
  pooledBytes: number;
}

/**
 * The CPU Device: tensors on Float32Array (or Float64Array in check mode); ops in ./ops, one file per op.
 *
 * Freed storage goes to a pool keyed by element count and `alloc` reuses it (uninitialised contents), so a
 * training step does not zero-fill fresh pages and leave hundreds of MB per iteration to the garbage
 * collector; `zeros` clears reused storage. A freed tensor must not be touched again: its array may
 * already back another tensor.
 */
export class CpuDevice implements Device {
  readonly kind = 'cpu' as const;
  readonly name: string;
  readonly precision: CpuPrecision;
  readonly ops: DeviceOps;
  /** Fused op chains (native kernels only). */
  readonly fused?: FusedDeviceOps;
  /** How the native kernels were built, when the ops are native. */
  readonly native: CpuKernelsInfo | undefined;
  /** 'native (...)' or 'javascript (<why>)', as describe() reports it. */
  readonly opsDescription: string;
  private currentBytes = 0;
  private peakBytes = 0;
  private readonly live = new WeakSet<CpuTensor>();
  /** Freed arrays by element count; Map order is least recently used size first. */
  private readonly pool = new Map<number, HostArray[]>();
  private pooledBytes = 0;
  private readonly poolLimit: number;

  constructor(options: CpuDeviceOptions = {}) {
    this.precision = options.precision ?? 'float32';
    const poolBytes = options.poolBytes ?? Math.floor(os.totalmem() / 4);
    if (!(poolBytes >= 0)) throw new RangeError(`CpuDevice: poolBytes must be >= 0, got ${poolBytes}`);
    this.poolLimit = poolBytes;
    const cpus = os.cpus();
    this.name = `${cpus[0]?.model.trim() ?? 'unknown CPU'} (${cpus.length} cores)`;
    const mode = nativeMode(options);
    if (options.threads !== undefined && !(Number.isInteger(options.threads) && options.threads >= 1)) {
      throw new ConfigError(`CPU threads must be an integer ≥ 1, got ${options.threads}`);
    }
    let why: string;
    if (this.precision === 'float64') why = 'float64 check mode';
    else if (mode === 'off') why = 'native ops off';
    else {
      try {
        const { kernels, info } = loadCpuKernels({
          ...(options.compiler ? { compiler: options.compiler } : {}),
          ...(options.nativeCacheDir !== undefined ? { cacheDir: options.nativeCacheDir } : {}),
          ...(options.threads !== undefined ? { threads: options.threads } : {}),
        });
        this.native = info;
        this.ops = createNativeOps(this, kernels);
        this.fused = createNativeFusedOps(this, kernels);
        this.opsDescription =
          `native (${info.compiler}, ${info.flags}, ${threadsDescription(info)}; ` +
          `${info.cached ? 'cached' : 'built'} in ${info.buildMs} ms)`;
        return;
      } catch (err) {
        if (mode === 'on') throw err;
        const line = errorToOneLine(err);
        why = /compiler|\bCC\b/.test(line) && !/^building/.test(line) ? `no C compiler: ${line}` : line;
      }
    }
    this.native = undefined;
    this.ops = createCpuOps(this);
    this.opsDescription = `javascript (${why})`;
  }

  private get bytesPerElement(): number {
    return this.precision === 'float64' ? 8 : 4;
  }

  /** Wrap storage as a tracked tensor; free() may pool it, so it must not be used elsewhere afterwards. */
  adopt(shape: Shape, data: HostArray): CpuTensor {
    const t = new CpuTensor(shape, data);
    this.live.add(t);
    this.currentBytes += data.byteLength;
    if (this.currentBytes > this.peakBytes) this.peakBytes = this.currentBytes;
    return t;
  }

  /** A tensor of `shape` with UNINITIALISED contents (reused storage when the pool has that size). */
  alloc(shape: Shape): CpuTensor {
    const n = numel(shape);
    return this.adopt(shape, this.take(n) ?? this.fresh(n));
  }

  zeros(shape: Shape): CpuTensor {
    const n = numel(shape);
    const reused = this.take(n);
    if (reused) reused.fill(0);
    return this.adopt(shape, reused ?? this.fresh(n));
  }

  private fresh(n: number): HostArray {
    return this.precision === 'float64' ? new Float64Array(n) : new Float32Array(n);
  }

  /** A pooled array of exactly `n` elements, or undefined. */
  private take(n: number): HostArray | undefined {
    const stack = this.pool.get(n);
    const data = stack?.pop();
    if (!data) return undefined;
    this.pool.delete(n);
    if (stack!.length > 0) this.pool.set(n, stack!); // most recently used size goes last
    this.pooledBytes -= data.byteLength;
    return data;
  }

  /** Keep `data` for reuse if it is whole storage of this device's precision and fits under the cap. */
  private give(data: HostArray): void {
    const own = this.precision === 'float64' ? data instanceof Float64Array : data instanceof Float32Array;
    const bytes = data.byteLength;
    if (!own || bytes === 0 || data.byteOffset !== 0 || data.buffer.byteLength !== bytes) return;
    if (bytes > this.poolLimit) return;
    while (this.pooledBytes + bytes > this.poolLimit) this.evictOne();
    const n = data.length;
    const stack = this.pool.get(n) ?? [];
    this.pool.delete(n);
    stack.push(data);
    this.pool.set(n, stack);
    this.pooledBytes += bytes;
  }

  /** Drop one array of the least recently used size. */
  private evictOne(): void {
    const first = this.pool.entries().next();
    if (first.done) return;
    const [n, stack] = first.value;
    const data = stack.pop()!;
    this.pooledBytes -= data.byteLength;
    if (stack.length === 0) this.pool.delete(n);
  }

  /** Let the garbage collector have every pooled array. */
  releasePool(): void {
    this.pool.clear();
    this.pooledBytes = 0;
  }

  upload(data: HostArray, shape: Shape): CpuTensor {
    if (data.length !== numel(shape))
      throw new RangeError(`upload: ${data.length} values for shape [${shape.join(',')}]`);
    const t = this.alloc(shape);
    t.data.set(data);
    return t;
  }

  download(t: Tensor): HostArray {
    return asCpu(t).data.slice();
  }

  free(t: Tensor): void {
    const c = asCpu(t);
    // A tensor that is not live (freed already, or never ours) is ignored: its array is never pooled twice.
    if (!this.live.delete(c)) return;
    this.currentBytes -= c.data.byteLength;
    this.give(c.data);
  }

  synchronize(): void {}

  async measure<T>(fn: () => Promise<T> | T): Promise<{ value: T; ms: number }> {
    const t0 = performance.now();
    const value = await fn();
    return { value, ms: performance.now() - t0 };
  }

  memoryStats(): CpuMemoryStats {
    return {
      currentBytes: this.currentBytes,
      peakBytes: this.peakBytes,
      reservedBytes: this.currentBytes + this.pooledBytes,
      pooledBytes: this.pooledBytes,
    };
  }

  describe(): Record<string, string | number> {
    return {
      device: 'cpu',
      name: this.name,
      cores: os.cpus().length,
      precision: this.precision,
      bytesPerElement: this.bytesPerElement,
      poolBytes: this.poolLimit,
      ops: this.opsDescription,
      // JavaScript ops run on the calling thread; native ops on their OpenMP team (load guard: see ops).
      threads: this.native?.threads ?? 1,
      ...(this.native ? { loadGuard: this.native.loadGuard ? 'on' : 'off' } : {}),
      node: process.version,
    };
  }

  dispose(): void {
    this.releasePool();
  }
}
