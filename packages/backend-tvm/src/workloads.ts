import { type ConvWorkload, convWorkloadKey } from '@unet3d/core';
import { buildNetwork, type ModelName } from '@unet3d/model';

/**
 * The distinct conv workloads of one of the paper's networks (what `tune` tunes), in layer order, at a
 * patch and batch (default: the paper's 1 × 64×128×128). The networks themselves live in @unet3d/model.
 */
export function networkConvWorkloads(
  model: ModelName,
  batch = 1,
  patch: readonly [number, number, number] = [64, 128, 128],
): ConvWorkload[] {
  const out = new Map<string, ConvWorkload>();
  for (const layer of buildNetwork({ model, input: patch, batch }).layers) {
    if (layer.kind === 'conv') out.set(convWorkloadKey(layer.workload), layer.workload);
  }
  return [...out.values()];
}
