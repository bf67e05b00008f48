import { ConfigError, type Shape5D, ShapeError, shapesEqual } from '@unet3d/core';
import type { Network } from '@unet3d/model';
import { type Layer, layerInputs } from '@unet3d/model';

/** The name of the network input tensor in the layer IR. */
export const INPUT = 'input';

/**
 * Tensor lifetimes for one training step, computed once per network.
 *  - `lastForwardUse`: index of the last layer that reads a tensor in forward (`layers.length` for the
 *    network output, which the loss reads).
 *  - `lastBackwardUse`: index of the layer whose backward is the last (in reverse order, i.e. the smallest
 *    index) to need a tensor: conv and batch-norm inputs, ELU outputs.
 * A tensor is freed in forward after its last forward use unless backward needs it, and in backward right
 * after the last backward that needs it.
 */
export interface ExecutionPlan {
  readonly layers: readonly Layer[];
  readonly shapes: ReadonlyMap<string, Shape5D>;
  readonly lastForwardUse: ReadonlyMap<string, number>;
  readonly lastBackwardUse: ReadonlyMap<string, number>;
  /** Tensors freed in backward after layer i's backward. */
  readonly releaseAfterBackward: ReadonlyArray<readonly string[]>;
  readonly output: string;
  readonly outputShape: Shape5D;
}

/** Which tensors a layer's backward reads (besides its output gradient). */
export function backwardNeeds(layer: Layer): readonly string[] {
  switch (layer.kind) {
    case 'conv':
    case 'batchNorm':
      return [layer.input];
    case 'elu':
      return [layer.output];
    default:
      return [];
  }
}

function expectedInputShape(layer: Layer): Shape5D | undefined {
  if (layer.kind === 'conv') return layer.workload.input;
  if (layer.kind === 'maxPool' || layer.kind === 'upsample') return layer.inputShape;
  return undefined;
}

/** Validate a network's wiring and shapes, and compute tensor lifetimes. Throws ConfigError/ShapeError. */
export function planNetwork(network: Network): ExecutionPlan {
  const shapes = new Map<string, Shape5D>([[INPUT, network.input]]);
  const lastForwardUse = new Map<string, number>();
  const lastBackwardUse = new Map<string, number>();
  const layerNames = new Set<string>();
  network.layers.forEach((layer, i) => {
    if (layerNames.has(layer.name)) throw new ConfigError(`network has two layers named '${layer.name}'`);
    layerNames.add(layer.name);
    const inputs = layerInputs(layer);
    for (const name of inputs) {
      const shape = shapes.get(name);
      if (!shape) {
        throw new ConfigError(`layer '${layer.name}' reads '${name}', which no earlier layer produces`);
      }
      const expected = expectedInputShape(layer) ?? (layer.kind === 'add' ? layer.outputShape : undefined);
      const want = expected ?? shape;
      if (!shapesEqual(shape, want)) {
        throw new ShapeError(
          `layer '${layer.name}' expects input [${want.join(',')}] but '${name}' is [${shape.join(',')}]`,
        );
      }
      lastForwardUse.set(name, i);
    }
    if (
      (layer.kind === 'batchNorm' || layer.kind === 'elu') &&
      !shapesEqual(shapes.get(layer.input)!, layer.outputShape)
    ) {
      throw new ShapeError(`layer '${layer.name}' must keep its input shape`);
    }
    if (shapes.has(layer.output)) {
      throw new ConfigError(`tensor '${layer.output}' is written twice (layer '${layer.name}')`);
    }
    shapes.set(layer.output, layer.outputShape);
    for (const name of backwardNeeds(layer)) {
      const prev = lastBackwardUse.get(name);
      lastBackwardUse.set(name, prev === undefined ? i : Math.min(prev, i));
    }
  });
  const outputShape = shapes.get(network.output);
  if (!outputShape || network.output === INPUT) {
    throw new ConfigError(`network output '${network.output}' is not produced by any layer`);
  }
  lastForwardUse.set(network.output, network.layers.length);
  const releaseAfterBackward: string[][] = network.layers.map(() => []);
  for (const [name, i] of lastBackwardUse) releaseAfterBackward[i]!.push(name);
  return {
    layers: network.layers,
    shapes,
    lastForwardUse,
    lastBackwardUse,
    releaseAfterBackward,
    output: network.output,
    outputShape,
  };
}

/**
 * Training-mode batch norm needs more than one value per channel (N·D·H·W > 1), as in PyTorch. Deep levels
 * of a small patch shrink to 1×1×1; say which layer and what to change.
 */
export function assertTrainable(network: Network): void {
  for (const layer of network.layers) {
    if (layer.kind !== 'batchNorm') continue;
    const [n, , d, h, w] = layer.outputShape;
    if (n * d * h * w < 2) {
      throw new ShapeError(
        `batch norm '${layer.name}' sees ${n}×${d}×${h}×${w} = 1 value per channel at input ${network.input.join('×')}`,
        'training needs more than one: use a larger patch (e.g. 16,64,64 for strided nets) or a batch ≥ 2',
      );
    }
  }
}
