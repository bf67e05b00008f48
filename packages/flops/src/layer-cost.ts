import { numel, type Triple } from '@unet3d/core';
import type { Layer, LayerKind } from '@unet3d/model';
import { residualAddCost } from './add-cost.js';
import { batchNormCost } from './batch-norm-cost.js';
import { biasAddCost } from './bias-cost.js';
import { convCost } from './conv-cost.js';
import { eluCost } from './elu-cost.js';
import { maxPoolCost } from './max-pool-cost.js';
import { addOpCosts, type OpCost } from './pass-cost.js';
import { upsampleTrilinearCost } from './upsample-cost.js';

/** Convolution geometry shown next to a conv layer's cost. */
export interface ConvGeometry {
  readonly kernel: Triple;
  readonly stride: Triple;
  readonly transposed: boolean;
  readonly inChannels: number;
  readonly outChannels: number;
  readonly bias: boolean;
}

export interface LayerCost {
  readonly name: string;
  readonly kind: LayerKind;
  readonly outputShape: readonly number[];
  /** For a conv with a bias, the bias add is included (MACs stay the conv's alone). */
  readonly cost: OpCost;
  readonly conv?: ConvGeometry;
}

/** The cost of one layer of a Network (see each op's file for its formula). */
export function layerCost(layer: Layer): LayerCost {
  const out = numel(layer.outputShape);
  const base = { name: layer.name, kind: layer.kind, outputShape: layer.outputShape };
  switch (layer.kind) {
    case 'conv': {
      const w = layer.workload;
      const channels = layer.outputShape[1];
      const conv = convCost(w);
      return {
        ...base,
        cost: layer.bias ? addOpCosts(conv, biasAddCost(out, channels)) : conv,
        conv: {
          kernel: w.spec.kernel,
          stride: w.spec.stride,
          transposed: w.spec.transposed,
          inChannels: w.input[1],
          outChannels: w.outChannels,
          bias: layer.bias,
        },
      };
    }
    case 'batchNorm':
      return { ...base, cost: batchNormCost(out, layer.outputShape[1]) };
    case 'elu':
      return { ...base, cost: eluCost(out) };
    case 'add':
      return { ...base, cost: residualAddCost(out) };
    case 'maxPool':
      return { ...base, cost: maxPoolCost(out) };
    case 'upsample':
      return { ...base, cost: upsampleTrilinearCost(out) };
  }
}
