import { numel } from '@unet3d/core';
import type { Layer } from '@unet3d/model';
import { passBytes } from './arithmetic-intensity.js';
import { biasAddCost } from './bias-cost.js';
import { layerCost } from './layer-cost.js';
import { addPasses, type OpCost } from './pass-cost.js';
import { sigmoidBceCost } from './sigmoid-bce-cost.js';
import type { StorageFormat } from './storage.js';

/** A non-conv op call as the executor times it: its forward, or its backward (data and parameter gradients). */
export type TimedOpPass = 'forward' | 'backward';

function bytesOf(cost: OpCost, pass: TimedOpPass, storage: StorageFormat): number {
  return pass === 'forward'
    ? passBytes(cost.forward, storage)
    : passBytes(addPasses(cost.backwardData, cost.backwardFilter), storage);
}

/**
 * Fewest bytes the non-convolution work of one layer must move in one pass (each op's own formula, see
 * `layerCost`): forward, or backward = backward-data + parameter gradient. A conv layer counts only its bias
 * (0 without one); the convolution itself is not a non-conv op. The achieved bandwidth of a timed call is
 * these bytes ÷ its time; for a fused call covering several layers, sum its layers (what the unfused ops move
 * at least, so a fused chain can beat the copy bandwidth).
 */
export function nonConvLayerBytes(layer: Layer, pass: TimedOpPass, storage: StorageFormat = 'fp32'): number {
  if (layer.kind === 'conv') {
    if (!layer.bias) return 0;
    return bytesOf(biasAddCost(numel(layer.outputShape), layer.outputShape[1]), pass, storage);
  }
  return bytesOf(layerCost(layer).cost, pass, storage);
}

/**
 * Fewest bytes of the loss call (mean sigmoid + binary cross-entropy and its logit gradient, one call) over
 * `elements` logits: the loss's forward plus backward-data bytes (`sigmoidBceCost`).
 */
export function lossCallBytes(elements: number, storage: StorageFormat = 'fp32'): number {
  const c = sigmoidBceCost(elements);
  return passBytes(c.forward, storage) + passBytes(c.backwardData, storage);
}

/**
 * Fewest bytes of one Adam step over `params` values: read parameter, gradient, m and v, write parameter, m
 * and v (7 values each; PyTorch's single-tensor Adam moves the same).
 */
export function adamStepBytes(params: number, storage: StorageFormat = 'fp32'): number {
  return 7 * params * (storage === 'fp32' ? 4 : 2);
}
