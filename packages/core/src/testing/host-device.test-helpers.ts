import type { Device, HostArray, Tensor } from '../device.js';
import type { Shape } from '../shape.js';
import { numel } from '../shape.js';

/** A bare host Device (memory only) so core's tests need no device package. */
export class HostTensor implements Tensor {
  readonly device = 'cpu' as const;
  readonly size: number;
  constructor(
    readonly shape: Shape,
    readonly data: Float32Array,
  ) {
    this.size = data.length;
  }
}
export function hostDevice(): Device {
  const unsupported = () => {
    throw new Error('not in the test device');
  };
  return {
    kind: 'cpu',
    name: 'test host',
    ops: new Proxy({}, { get: () => unsupported }) as Device['ops'],
    alloc: (shape) => new HostTensor(shape, new Float32Array(numel(shape))),
    zeros: (shape) => new HostTensor(shape, new Float32Array(numel(shape))),
    upload: (data: HostArray, shape) => new HostTensor(shape, Float32Array.from(data)),
    download: (t) => (t as HostTensor).data.slice(),
    free: () => {},
    synchronize: () => {},
    measure: async (fn) => ({ value: await fn(), ms: 0 }),
    memoryStats: () => ({ currentBytes: 0, peakBytes: 0 }),
    describe: () => ({}),
    dispose: () => {},
  };
}
