import type { CudaDriver } from '../driver/driver.js';
import { CU_DEVICE_ATTRIBUTE } from '../driver/driver-api.js';

/**
 * One GPU's primary context made current on this thread, and one stream on which all work is queued
 * (kernels, copies, cuDNN). Copies to and from the host wait for the stream.
 */
export class CudaContext {
  readonly ordinal: number;
  readonly device: number;
  readonly name: string;
  readonly computeCapability: readonly [number, number];
  readonly smCount: number;
  readonly totalBytes: number;
  readonly ctx: bigint;
  readonly stream: bigint;
  private disposed = false;

  private constructor(
    readonly driver: CudaDriver,
    ordinal: number,
  ) {
    const d = driver;
    const count = d.deviceCount();
    if (ordinal < 0 || ordinal >= count) {
      throw new RangeError(`CUDA device ${ordinal} requested but ${count} device(s) visible`);
    }
    this.ordinal = ordinal;
    this.device = d.out<number>('cuDeviceGet', (o) => d.api.cuDeviceGet(o, ordinal), 0);
    const nameBuf = Buffer.alloc(256);
    d.check(d.api.cuDeviceGetName(nameBuf, nameBuf.length, this.device), 'cuDeviceGetName');
    this.name = nameBuf.toString('utf8', 0, Math.max(0, nameBuf.indexOf(0))).trim();
    const attr = (a: number, what: string) =>
      d.out<number>(`cuDeviceGetAttribute(${what})`, (o) => d.api.cuDeviceGetAttribute(o, a, this.device), 0);
    this.computeCapability = [
      attr(CU_DEVICE_ATTRIBUTE.COMPUTE_CAPABILITY_MAJOR, 'cc major'),
      attr(CU_DEVICE_ATTRIBUTE.COMPUTE_CAPABILITY_MINOR, 'cc minor'),
    ];
    this.smCount = attr(CU_DEVICE_ATTRIBUTE.MULTIPROCESSOR_COUNT, 'SM count');
    this.totalBytes = Number(
      d.out<number | bigint>('cuDeviceTotalMem', (o) => d.api.cuDeviceTotalMem(o, this.device), 0),
    );
    this.ctx =
      d.out<bigint | null>(
        'cuDevicePrimaryCtxRetain',
        (o) => d.api.cuDevicePrimaryCtxRetain(o, this.device),
        null,
      ) ?? 0n;
    d.check(d.api.cuCtxSetCurrent(this.ctx), 'cuCtxSetCurrent');
    this.stream = d.out<bigint | null>('cuStreamCreate', (o) => d.api.cuStreamCreate(o, 0), null) ?? 0n;
  }

  static create(driver: CudaDriver, ordinal = 0): CudaContext {
    return new CudaContext(driver, ordinal);
  }

  /** "sm_90" for an H100: the NVRTC target. */
  get arch(): string {
    return `sm_${this.computeCapability[0]}${this.computeCapability[1]}`;
  }

  makeCurrent(): void {
    this.driver.check(this.driver.api.cuCtxSetCurrent(this.ctx), 'cuCtxSetCurrent');
  }

  memAlloc(bytes: number): bigint {
    const d = this.driver;
    return d.out<bigint | null>('cuMemAlloc', (o) => d.api.cuMemAlloc(o, bytes), null) ?? 0n;
  }

  memFree(ptr: bigint): void {
    this.driver.check(this.driver.api.cuMemFree(ptr), 'cuMemFree');
  }

  memInfo(): { freeBytes: number; totalBytes: number } {
    const f = [0];
    const t = [0];
    this.driver.check(this.driver.api.cuMemGetInfo(f, t), 'cuMemGetInfo');
    return { freeBytes: Number(f[0]), totalBytes: Number(t[0]) };
  }

  /** Host → device on the stream; returns once the host buffer may be reused. */
  copyToDevice(dst: bigint, src: ArrayBufferView): void {
    this.driver.check(
      this.driver.api.cuMemcpyHtoDAsync(dst, src, src.byteLength, this.stream),
      'cuMemcpyHtoDAsync',
    );
    this.synchronize();
  }

  /** Device → host: waits for queued work, then copies. */
  copyToHost(dst: ArrayBufferView, src: bigint): void {
    this.driver.check(
      this.driver.api.cuMemcpyDtoHAsync(dst, src, dst.byteLength, this.stream),
      'cuMemcpyDtoHAsync',
    );
    this.synchronize();
  }

  copyDeviceToDevice(dst: bigint, src: bigint, bytes: number): void {
    this.driver.check(this.driver.api.cuMemcpyDtoDAsync(dst, src, bytes, this.stream), 'cuMemcpyDtoDAsync');
  }

  /** Fill `count` 32-bit words with `word` (0 gives float zeros). */
  fill32(dst: bigint, word: number, count: number): void {
    this.driver.check(
      this.driver.api.cuMemsetD32Async(dst, word >>> 0, count, this.stream),
      'cuMemsetD32Async',
    );
  }

  synchronize(): void {
    this.driver.check(this.driver.api.cuStreamSynchronize(this.stream), 'cuStreamSynchronize');
  }

  createEvent(): bigint {
    const d = this.driver;
    return d.out<bigint | null>('cuEventCreate', (o) => d.api.cuEventCreate(o, 0), null) ?? 0n;
  }

  recordEvent(event: bigint): void {
    this.driver.check(this.driver.api.cuEventRecord(event, this.stream), 'cuEventRecord');
  }

  /** Milliseconds between two recorded events (waits for `end`). */
  elapsedMs(start: bigint, end: bigint): number {
    this.driver.check(this.driver.api.cuEventSynchronize(end), 'cuEventSynchronize');
    const ms = [0];
    this.driver.check(this.driver.api.cuEventElapsedTime(ms, start, end), 'cuEventElapsedTime');
    return ms[0]!;
  }

  destroyEvent(event: bigint): void {
    this.driver.check(this.driver.api.cuEventDestroy(event), 'cuEventDestroy');
  }

  /** Time `fn` on the device clock: an event before and after it on the stream. */
  async time<T>(fn: () => Promise<T> | T): Promise<{ value: T; ms: number }> {
    const start = this.createEvent();
    const end = this.createEvent();
    try {
      this.recordEvent(start);
      const value = await fn();
      this.recordEvent(end);
      return { value, ms: this.elapsedMs(start, end) };
    } finally {
      this.destroyEvent(start);
      this.destroyEvent(end);
    }
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.synchronize();
    this.driver.check(this.driver.api.cuStreamDestroy(this.stream), 'cuStreamDestroy');
    this.driver.check(this.driver.api.cuDevicePrimaryCtxRelease(this.device), 'cuDevicePrimaryCtxRelease');
  }
}
