import type { BatchNormSaved, Device, Tensor } from '@unet3d/core';

/** What a layer's forward leaves behind for its backward, besides activations kept by name. */
export interface LayerSaved {
  bn?: BatchNormSaved;
  argmax?: Tensor;
}

/**
 * The named activations of one step and the per-layer saved state. Frees tensors as soon as they are
 * released; never frees a tensor the caller lent (the network input when passed as a Tensor).
 */
export class Activations {
  private readonly env = new Map<string, Tensor>();
  readonly saved: LayerSaved[];

  constructor(
    private readonly device: Device,
    layerCount: number,
    private readonly borrowed: ReadonlySet<Tensor>,
  ) {
    this.saved = Array.from({ length: layerCount }, () => ({}));
  }

  set(name: string, t: Tensor): void {
    this.env.set(name, t);
  }

  get(name: string): Tensor {
    const t = this.env.get(name);
    if (!t) throw new Error(`executor: activation '${name}' is not live (freed too early or never computed)`);
    return t;
  }

  has(name: string): boolean {
    return this.env.has(name);
  }

  /** Drop a named activation and free it (unless borrowed). Idempotent. */
  release(name: string): void {
    const t = this.env.get(name);
    if (!t) return;
    this.env.delete(name);
    this.freeTensor(t);
  }

  /** Free a layer's saved state. */
  releaseSaved(index: number): void {
    const s = this.saved[index];
    if (!s) return;
    if (s.bn) {
      this.device.free(s.bn.mean);
      this.device.free(s.bn.invStd);
    }
    if (s.argmax) this.device.free(s.argmax);
    this.saved[index] = {};
  }

  freeTensor(t: Tensor): void {
    if (!this.borrowed.has(t)) this.device.free(t);
  }

  /** Free everything still held (end of step, or after an error). */
  dispose(): void {
    for (const name of [...this.env.keys()]) this.release(name);
    for (let i = 0; i < this.saved.length; i++) this.releaseSaved(i);
  }
}
