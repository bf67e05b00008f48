import type { ConvWorkload, Shape5D } from '@unet3d/core';

/**
 * A network is a list of layers in execution order. Every layer reads named tensors and writes one named
 * tensor; the network input is the tensor named `input`. Shapes are NCDHW for the network's patch and batch.
 * Parameters belong to layers: a conv layer owns its weight (and bias when `bias` is true), a batch-norm
 * layer owns gamma, beta and running statistics. Names are unique and stable (they key checkpoints,
 * timings, tuning records and figures).
 */
interface LayerBase {
  readonly name: string;
  readonly output: string;
  readonly outputShape: Shape5D;
}

export interface ConvLayer extends LayerBase {
  readonly kind: 'conv';
  readonly input: string;
  readonly workload: ConvWorkload;
  readonly bias: boolean;
}

export interface BatchNormLayer extends LayerBase {
  readonly kind: 'batchNorm';
  readonly input: string;
}

export interface EluLayer extends LayerBase {
  readonly kind: 'elu';
  readonly input: string;
  readonly alpha: number;
}

/** Element-wise sum of two tensors of equal shape (residual and skip connections). */
export interface AddLayer extends LayerBase {
  readonly kind: 'add';
  readonly inputs: readonly [string, string];
}

/** 2×2×2 max pool, stride 2. */
export interface MaxPoolLayer extends LayerBase {
  readonly kind: 'maxPool';
  readonly input: string;
  readonly inputShape: Shape5D;
}

/** ×2 trilinear upsampling (align_corners = false). */
export interface UpsampleLayer extends LayerBase {
  readonly kind: 'upsample';
  readonly input: string;
  readonly inputShape: Shape5D;
}

export type Layer = ConvLayer | BatchNormLayer | EluLayer | AddLayer | MaxPoolLayer | UpsampleLayer;
export type LayerKind = Layer['kind'];

/** The inputs of any layer, as a list. */
export function layerInputs(layer: Layer): readonly string[] {
  return layer.kind === 'add' ? layer.inputs : [layer.input];
}
