import type { DeviceOps } from '@unet3d/core';
import type { CpuDevice } from '../cpu-device.js';

/** Assemble the CPU ops (one file per op). PLACEHOLDER until the ops land: every op throws. */
export function createCpuOps(_device: CpuDevice): DeviceOps {
  const missing = (name: string) => () => {
    throw new Error(`CPU op ${name} is not implemented yet`);
  };
  return {
    batchNormTrain: missing('batchNormTrain'),
    batchNormInfer: missing('batchNormInfer'),
    batchNormBackward: missing('batchNormBackward'),
    elu: missing('elu'),
    eluBackward: missing('eluBackward'),
    add: missing('add'),
    addInto: missing('addInto'),
    biasAddInto: missing('biasAddInto'),
    biasGrad: missing('biasGrad'),
    maxPool2x: missing('maxPool2x'),
    maxPool2xBackward: missing('maxPool2xBackward'),
    upsampleTrilinear2x: missing('upsampleTrilinear2x'),
    upsampleTrilinear2xBackward: missing('upsampleTrilinear2xBackward'),
    sigmoidBce: missing('sigmoidBce'),
    adamStepInto: missing('adamStepInto'),
  };
}
