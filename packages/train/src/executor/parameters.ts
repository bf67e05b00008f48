import {
  ConfigError,
  convWeightShape,
  type Device,
  type Shape,
  shapesEqual,
  type Tensor,
} from '@unet3d/core';
import type { Network } from '@unet3d/model';
import { filled, initConvBias, initConvWeight } from './init.js';

/** A named tensor owned by the executor: trainable parameters and batch-norm running statistics. */
export interface NamedTensor {
  readonly name: string;
  readonly shape: Shape;
  tensor: Tensor;
}

export interface ConvParams {
  weight: NamedTensor;
  bias?: NamedTensor;
}

export interface BatchNormParams {
  gamma: NamedTensor;
  beta: NamedTensor;
  runningMean: NamedTensor;
  runningVar: NamedTensor;
}

/**
 * Every parameter and buffer of a network, allocated on a device. Names are `<layer>.weight`, `<layer>.bias`,
 * `<layer>.gamma`, `<layer>.beta` (trainable) and `<layer>.runningMean`, `<layer>.runningVar` (buffers).
 * Initialisation is seeded: convs as PyTorch's default, BN gamma = 1, beta = 0, mean 0, var 1.
 */
export class ParameterStore {
  readonly conv = new Map<string, ConvParams>();
  readonly batchNorm = new Map<string, BatchNormParams>();
  /** Trainable parameters, in layer order. */
  readonly trainable: NamedTensor[] = [];
  /** Non-trainable buffers (running statistics), in layer order. */
  readonly buffers: NamedTensor[] = [];

  constructor(
    private readonly device: Device,
    network: Network,
    seed: number,
  ) {
    const make = (name: string, shape: Shape, data: Float64Array, trainable: boolean): NamedTensor => {
      const t: NamedTensor = { name, shape, tensor: device.upload(data, shape) };
      (trainable ? this.trainable : this.buffers).push(t);
      return t;
    };
    for (const layer of network.layers) {
      if (layer.kind === 'conv') {
        const wShape = convWeightShape(layer.workload);
        const cOut = layer.workload.outChannels;
        const params: ConvParams = {
          weight: make(`${layer.name}.weight`, wShape, initConvWeight(layer, wShape, seed), true),
        };
        if (layer.bias) {
          params.bias = make(`${layer.name}.bias`, [cOut], initConvBias(layer, wShape, cOut, seed), true);
        }
        this.conv.set(layer.name, params);
      } else if (layer.kind === 'batchNorm') {
        const c = layer.outputShape[1];
        this.batchNorm.set(layer.name, {
          gamma: make(`${layer.name}.gamma`, [c], filled(c, 1), true),
          beta: make(`${layer.name}.beta`, [c], filled(c, 0), true),
          runningMean: make(`${layer.name}.runningMean`, [c], filled(c, 0), false),
          runningVar: make(`${layer.name}.runningVar`, [c], filled(c, 1), false),
        });
      }
    }
  }

  convParams(layer: string): ConvParams {
    const p = this.conv.get(layer);
    if (!p) throw new ConfigError(`no parameters for conv layer '${layer}'`);
    return p;
  }

  batchNormParams(layer: string): BatchNormParams {
    const p = this.batchNorm.get(layer);
    if (!p) throw new ConfigError(`no parameters for batch-norm layer '${layer}'`);
    return p;
  }

  /** Every tensor (trainable then buffers). */
  all(): NamedTensor[] {
    return [...this.trainable, ...this.buffers];
  }

  /** Replace a tensor's contents from host data (shape-checked). */
  assign(target: NamedTensor, shape: Shape, data: Float32Array | Float64Array): void {
    if (!shapesEqual(shape, target.shape)) {
      throw new ConfigError(
        `tensor '${target.name}' has shape [${shape.join(',')}], expected [${target.shape.join(',')}]`,
        'the checkpoint was written for another network configuration',
      );
    }
    const fresh = this.device.upload(data, target.shape);
    this.device.free(target.tensor);
    target.tensor = fresh;
  }

  dispose(): void {
    for (const t of this.all()) this.device.free(t.tensor);
  }
}
