import type { DeviceOps } from '@unet3d/core';
import type { CpuAllocator } from '../cpu-allocator.js';
import { adamStepInto } from './adam.js';
import { add, addInto } from './add.js';
import { batchNormBackward, batchNormInfer, batchNormTrain } from './batch-norm.js';
import { biasAddInto, biasGrad } from './bias.js';
import { elu, eluBackward } from './elu.js';
import { maxPool2x, maxPool2xBackward } from './max-pool.js';
import { sigmoidBce } from './sigmoid-bce.js';
import { upsampleTrilinear2x, upsampleTrilinear2xBackward } from './upsample-trilinear.js';

/** Assemble the CPU ops (one file per op), each allocating its outputs on `device`. */
export function createCpuOps(device: CpuAllocator): DeviceOps {
  return {
    batchNormTrain: (x, gamma, beta, runningMean, runningVar, options) =>
      batchNormTrain(device, x, gamma, beta, runningMean, runningVar, options),
    batchNormInfer: (x, gamma, beta, runningMean, runningVar, eps) =>
      batchNormInfer(device, x, gamma, beta, runningMean, runningVar, eps),
    batchNormBackward: (dy, x, gamma, saved) => batchNormBackward(device, dy, x, gamma, saved),
    elu: (x, alpha) => elu(device, x, alpha),
    eluBackward: (dy, y, alpha) => eluBackward(device, dy, y, alpha),
    add: (a, b) => add(device, a, b),
    addInto,
    biasAddInto,
    biasGrad: (dy) => biasGrad(device, dy),
    maxPool2x: (x) => maxPool2x(device, x),
    maxPool2xBackward: (dy, argmax, inputShape) => maxPool2xBackward(device, dy, argmax, inputShape),
    upsampleTrilinear2x: (x) => upsampleTrilinear2x(device, x),
    upsampleTrilinear2xBackward: (dy, inputShape) => upsampleTrilinear2xBackward(device, dy, inputShape),
    sigmoidBce: (logits, target, mask) => sigmoidBce(device, logits, target, mask),
    adamStepInto,
  };
}
