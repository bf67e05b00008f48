import {
  type ConvSpecInit,
  convOutputShape,
  convSpec,
  convWorkload,
  type Shape5D,
  ShapeError,
} from '@unet3d/core';
import type {
  AddLayer,
  BatchNormLayer,
  ConvLayer,
  EluLayer,
  Layer,
  MaxPoolLayer,
  UpsampleLayer,
} from './layer.js';

/** A tensor produced so far while building: its name and shape. */
export interface TensorRef {
  readonly name: string;
  readonly shape: Shape5D;
}

/** The ELU slope for negative inputs used by every network here (PyTorch's default). */
export const ELU_ALPHA = 1;

/**
 * Appends layers to a list in execution order; every layer writes a tensor named after the layer.
 * Used only while building a Network (the list is the builder's own; the result is returned frozen-by-type).
 */
export class LayerListBuilder {
  readonly layers: Layer[] = [];
  private readonly names = new Set<string>(['input']);

  private claim(name: string): void {
    if (this.names.has(name)) throw new ShapeError(`duplicate layer name '${name}'`);
    this.names.add(name);
  }

  conv(name: string, x: TensorRef, outChannels: number, spec: ConvSpecInit, bias: boolean): TensorRef {
    this.claim(name);
    const workload = convWorkload(x.shape, outChannels, convSpec(spec));
    const outputShape = convOutputShape(workload);
    const layer: ConvLayer = { kind: 'conv', name, input: x.name, output: name, outputShape, workload, bias };
    this.layers.push(layer);
    return { name, shape: outputShape };
  }

  batchNorm(name: string, x: TensorRef): TensorRef {
    this.claim(name);
    const layer: BatchNormLayer = {
      kind: 'batchNorm',
      name,
      input: x.name,
      output: name,
      outputShape: x.shape,
    };
    this.layers.push(layer);
    return { name, shape: x.shape };
  }

  elu(name: string, x: TensorRef): TensorRef {
    this.claim(name);
    const layer: EluLayer = {
      kind: 'elu',
      name,
      input: x.name,
      output: name,
      outputShape: x.shape,
      alpha: ELU_ALPHA,
    };
    this.layers.push(layer);
    return { name, shape: x.shape };
  }

  add(name: string, a: TensorRef, b: TensorRef): TensorRef {
    this.claim(name);
    if (a.shape.some((v, i) => v !== b.shape[i])) {
      throw new ShapeError(
        `add '${name}': shapes differ (${a.shape.join('×')} vs ${b.shape.join('×')})`,
        'both summands must have equal (N, C, D, H, W)',
      );
    }
    const layer: AddLayer = {
      kind: 'add',
      name,
      inputs: [a.name, b.name],
      output: name,
      outputShape: a.shape,
    };
    this.layers.push(layer);
    return { name, shape: a.shape };
  }

  maxPool(name: string, x: TensorRef): TensorRef {
    this.claim(name);
    const [n, c, d, h, w] = x.shape;
    if (d % 2 !== 0 || h % 2 !== 0 || w % 2 !== 0) {
      throw new ShapeError(
        `max-pool '${name}': spatial size ${d}×${h}×${w} is not divisible by 2`,
        'every spatial size reaching a 2×2×2 pool must be even',
      );
    }
    const outputShape: Shape5D = [n, c, d / 2, h / 2, w / 2];
    const layer: MaxPoolLayer = {
      kind: 'maxPool',
      name,
      input: x.name,
      inputShape: x.shape,
      output: name,
      outputShape,
    };
    this.layers.push(layer);
    return { name, shape: outputShape };
  }

  upsample(name: string, x: TensorRef): TensorRef {
    this.claim(name);
    const [n, c, d, h, w] = x.shape;
    const outputShape: Shape5D = [n, c, 2 * d, 2 * h, 2 * w];
    const layer: UpsampleLayer = {
      kind: 'upsample',
      name,
      input: x.name,
      inputShape: x.shape,
      output: name,
      outputShape,
    };
    this.layers.push(layer);
    return { name, shape: outputShape };
  }
}
