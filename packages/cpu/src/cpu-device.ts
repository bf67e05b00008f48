import os from 'node:os';
import { performance } from 'node:perf_hooks';
import type { Device, DeviceMemoryStats, DeviceOps, HostArray, Shape, Tensor } from '@unet3d/core';
import { numel } from '@unet3d/core';
import { asCpu, type CpuPrecision, CpuTensor } from './cpu-tensor.js';
import { createCpuOps } from './ops/index.js';

export interface CpuDeviceOptions {
  /** 'float64' is the gradient-check mode; 'float32' (default) is what training runs in. */
  precision?: CpuPrecision;
}

/** The CPU Device: tensors on Float32Array (or Float64Array in check mode); ops in ./ops, one file per op. */
export class CpuDevice implements Device {
  readonly kind = 'cpu' as const;
  readonly name: string;
  readonly precision: CpuPrecision;
  readonly ops: DeviceOps;
  private currentBytes = 0;
  private peakBytes = 0;
  private readonly live = new WeakSet<CpuTensor>();

  constructor(options: CpuDeviceOptions = {}) {
    this.precision = options.precision ?? 'float32';
    const cpus = os.cpus();
    this.name = `${cpus[0]?.model.trim() ?? 'unknown CPU'} (${cpus.length} cores)`;
    this.ops = createCpuOps(this);
  }

  private get bytesPerElement(): number {
    return this.precision === 'float64' ? 8 : 4;
  }

  /** Wrap freshly allocated storage as a tracked tensor. */
  adopt(shape: Shape, data: HostArray): CpuTensor {
    const t = new CpuTensor(shape, data);
    this.live.add(t);
    this.currentBytes += data.byteLength;
    if (this.currentBytes > this.peakBytes) this.peakBytes = this.currentBytes;
    return t;
  }

  alloc(shape: Shape): CpuTensor {
    const n = numel(shape);
    return this.adopt(shape, this.precision === 'float64' ? new Float64Array(n) : new Float32Array(n));
  }

  zeros(shape: Shape): CpuTensor {
    return this.alloc(shape);
  }

  upload(data: HostArray, shape: Shape): CpuTensor {
    const t = this.alloc(shape);
    if (data.length !== t.size)
      throw new RangeError(`upload: ${data.length} values for shape [${shape.join(',')}]`);
    t.data.set(data);
    return t;
  }

  download(t: Tensor): HostArray {
    return asCpu(t).data.slice();
  }

  free(t: Tensor): void {
    const c = asCpu(t);
    if (this.live.delete(c)) this.currentBytes -= c.data.byteLength;
  }

  synchronize(): void {}

  async measure<T>(fn: () => Promise<T> | T): Promise<{ value: T; ms: number }> {
    const t0 = performance.now();
    const value = await fn();
    return { value, ms: performance.now() - t0 };
  }

  memoryStats(): DeviceMemoryStats {
    return { currentBytes: this.currentBytes, peakBytes: this.peakBytes };
  }

  describe(): Record<string, string | number> {
    return {
      device: 'cpu',
      name: this.name,
      cores: os.cpus().length,
      precision: this.precision,
      bytesPerElement: this.bytesPerElement,
      node: process.version,
    };
  }

  dispose(): void {}
}
