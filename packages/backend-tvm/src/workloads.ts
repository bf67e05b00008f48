import { CONV_PASSES, type ConvWorkload, convWorkloadKey } from '@unet3d/core';
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

/**
 * How many times each conv task (`workloadKey|pass`) runs in one training iteration of a network: per conv
 * layer a forward, a backward-data and a backward-filter pass, except that a conv reading the network's
 * input (the tensor named `input`, which needs no gradient) has no backward-data pass, as @unet3d/train's
 * executor runs it. The weighted tune schedule multiplies each task's time by this.
 */
export function networkConvTaskUses(
  model: ModelName,
  batch = 1,
  patch: readonly [number, number, number] = [64, 128, 128],
): Map<string, number> {
  const uses = new Map<string, number>();
  for (const layer of buildNetwork({ model, input: patch, batch }).layers) {
    if (layer.kind !== 'conv') continue;
    const key = convWorkloadKey(layer.workload);
    for (const pass of CONV_PASSES) {
      const n = pass === 'backwardData' && layer.input === 'input' ? 0 : 1;
      uses.set(`${key}|${pass}`, (uses.get(`${key}|${pass}`) ?? 0) + n);
    }
  }
  return uses;
}
