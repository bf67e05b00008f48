import type { ConvBackend, MathMode } from '../conv-backend.js';
import { type ConvWorkload, convOutputShape, convWeightShape } from '../conv-workload.js';
import type { Device, Tensor } from '../device.js';
import {
  referenceConvBackwardData,
  referenceConvBackwardFilter,
  referenceConvForward,
} from './reference-conv.js';

/**
 * The reference convolution as a ConvBackend on any Device: download the operands, compute on the host in
 * float64, upload the result (the device converts to its storage precision). The oracle, not a product:
 * it is slow and it is never registered for `auto` resolution.
 */
export function createReferenceBackend(device: Device): ConvBackend {
  const mathMode: MathMode = 'fp32';
  return {
    name: 'reference',
    device,
    mathMode,
    async forward(w: ConvWorkload, x: Tensor, weight: Tensor): Promise<Tensor> {
      const y = referenceConvForward(w, device.download(x), device.download(weight));
      return device.upload(y, convOutputShape(w));
    },
    async backwardData(w: ConvWorkload, dy: Tensor, weight: Tensor): Promise<Tensor> {
      const dx = referenceConvBackwardData(w, device.download(dy), device.download(weight));
      return device.upload(dx, w.input);
    },
    async backwardFilter(w: ConvWorkload, x: Tensor, dy: Tensor): Promise<Tensor> {
      const dW = referenceConvBackwardFilter(w, device.download(x), device.download(dy));
      return device.upload(dW, convWeightShape(w));
    },
    describe: () => ({ backend: 'reference', accumulation: 'float64', device: device.name }),
    async dispose(): Promise<void> {},
  };
}
