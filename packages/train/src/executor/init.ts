import { createRng, numel, type Shape } from '@unet3d/core';
import type { ConvLayer } from '@unet3d/model';

/**
 * PyTorch's default initialisation of Conv3d / ConvTranspose3d: kaiming_uniform_(a=√5), which is
 * U(-1/√fan_in, 1/√fan_in), with fan_in computed from the weight's dimension 1 × kernel volume (so for a
 * transposed conv, whose weight is [Cin, Cout, k...], fan_in is Cout·k³, as in PyTorch). The bias uses the
 * same bound.
 */
export function convFanIn(weightShape: Shape): number {
  const receptive = numel(weightShape.slice(2));
  return (weightShape[1] ?? 1) * receptive;
}

function uniformArray(n: number, bound: number, seed: number, stream: string): Float64Array {
  const rng = createRng(seed, stream);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = rng.uniform(-bound, bound);
  return out;
}

export function initConvWeight(layer: ConvLayer, weightShape: Shape, seed: number): Float64Array {
  const bound = 1 / Math.sqrt(convFanIn(weightShape));
  return uniformArray(numel(weightShape), bound, seed, `${layer.name}.weight`);
}

export function initConvBias(
  layer: ConvLayer,
  weightShape: Shape,
  channels: number,
  seed: number,
): Float64Array {
  const bound = 1 / Math.sqrt(convFanIn(weightShape));
  return uniformArray(channels, bound, seed, `${layer.name}.bias`);
}

export function filled(n: number, value: number): Float64Array {
  return new Float64Array(n).fill(value);
}
