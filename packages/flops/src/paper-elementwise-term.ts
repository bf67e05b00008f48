import { numel } from '@unet3d/core';
import type { Network } from '@unet3d/model';

/**
 * The best simple fit for what Table 1 of the paper adds to the conv MACs (one "operation" per element):
 *   2 × (elements written by biased convs)   bias add, and bias gradient
 * + 1 × (elements written by ELU layers)
 * + 1 × (elements written by residual/skip adds)
 * + 1 × (elements written by max-pools)
 * Batch norm, upsampling and the loss are not counted. With the three-pass conv MACs this gives 430.660,
 * 97.020 and 211.236 G for baseline, strided and scaled at 1×64×128×128, the printed figures (@unet3d/paper)
 * to the cent. It is a fit (15 such mixes reproduce the printed figures; see network-cost.ts), not a convention of
 * this package: it is reported next to, never inside, our totals.
 */
export function paperElementwiseTerm(network: Network): number {
  let ops = 0;
  for (const layer of network.layers) {
    const n = numel(layer.outputShape);
    if (layer.kind === 'conv' && layer.bias) ops += 2 * n;
    else if (layer.kind === 'elu' || layer.kind === 'add' || layer.kind === 'maxPool') ops += n;
  }
  return ops;
}
