import type { AddLayer, BatchNormLayer, ConvLayer, EluLayer, Layer } from '@unet3d/model';
import { layerInputs } from '@unet3d/model';
import type { ExecutionPlan } from './plan.js';

/**
 * A training-mode chain `[add(x, residual)] → batch norm → ELU` run as one FusedDeviceOps
 * `biasBatchNormEluTrain` call (forward) and one `batchNormEluBackward` call (backward). `first` is the index
 * of the add (when present) or of the batch norm; the ELU is the last layer of the chain.
 */
export interface BatchNormEluChain {
  readonly kind: 'batchNormElu';
  readonly first: number;
  readonly add?: { readonly index: number; readonly layer: AddLayer };
  readonly bn: { readonly index: number; readonly layer: BatchNormLayer };
  readonly elu: { readonly index: number; readonly layer: EluLayer };
  /** Names of the layers the forward call covers, in order (recorded with its timings). */
  readonly covers: readonly string[];
  /** Names of the layers the backward call covers: batch norm and ELU (the add's backward runs on its own). */
  readonly backwardCovers: readonly string[];
}

/**
 * A biased conv followed by ELU: the bias add and the ELU run as one `biasElu` call after the convolution
 * (forward), and ELU backward plus the bias gradient as one `eluBackwardBiasGrad` call (backward).
 */
export interface BiasEluChain {
  readonly kind: 'biasElu';
  readonly first: number;
  readonly conv: { readonly index: number; readonly layer: ConvLayer };
  readonly elu: { readonly index: number; readonly layer: EluLayer };
  readonly covers: readonly string[];
  readonly backwardCovers: readonly string[];
}

export type FusedChain = BatchNormEluChain | BiasEluChain;

/** Where fused chains start and which layer indices they cover; computed once per network. */
export interface FusionPlan {
  /** Chain starting at layer i (the add or batch norm; the conv of a bias-ELU chain). */
  readonly startsAt: ReadonlyMap<number, FusedChain>;
  /** Chain that layer i belongs to (any member). */
  readonly memberOf: ReadonlyMap<number, FusedChain>;
  readonly chains: readonly FusedChain[];
}

/** How many layers read each tensor in forward. */
function readerCounts(layers: readonly Layer[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const layer of layers) {
    for (const name of new Set(layerInputs(layer))) counts.set(name, (counts.get(name) ?? 0) + 1);
  }
  return counts;
}

/**
 * Find the chains a device with FusedDeviceOps can run fused: every intermediate tensor of a chain must be
 * read only by the next layer of the chain (and not be the network output), so that skipping it changes
 * nothing else. Chains: `add → batchNorm → elu` and `batchNorm → elu` (conv3 + residual, proj + skip, conv →
 * BN → ELU), and `conv (bias) → elu` (embed, head.conv).
 */
export function planFusion(plan: ExecutionPlan): FusionPlan {
  const layers = plan.layers;
  const readers = readerCounts(layers);
  const soleReader = (tensor: string, j: number): boolean =>
    tensor !== plan.output &&
    readers.get(tensor) === 1 &&
    j < layers.length &&
    layerInputs(layers[j]!).includes(tensor);
  const startsAt = new Map<number, FusedChain>();
  const memberOf = new Map<number, FusedChain>();
  const chains: FusedChain[] = [];
  const claim = (chain: FusedChain, indices: number[]): void => {
    if (indices.some((i) => memberOf.has(i))) return;
    startsAt.set(chain.first, chain);
    for (const i of indices) memberOf.set(i, chain);
    chains.push(chain);
  };
  for (let i = 0; i < layers.length; i++) {
    const layer = layers[i]!;
    if (layer.kind === 'batchNorm') {
      const next = layers[i + 1];
      if (next?.kind !== 'elu' || !soleReader(layer.output, i + 1)) continue;
      const bn = { index: i, layer };
      const elu = { index: i + 1, layer: next };
      const prev = layers[i - 1];
      if (prev?.kind === 'add' && prev.output === layer.input && soleReader(prev.output, i)) {
        const add = { index: i - 1, layer: prev };
        claim(
          {
            kind: 'batchNormElu',
            first: i - 1,
            add,
            bn,
            elu,
            covers: [prev.name, layer.name, next.name],
            backwardCovers: [layer.name, next.name],
          },
          [i - 1, i, i + 1],
        );
      } else {
        claim(
          {
            kind: 'batchNormElu',
            first: i,
            bn,
            elu,
            covers: [layer.name, next.name],
            backwardCovers: [layer.name, next.name],
          },
          [i, i + 1],
        );
      }
    } else if (layer.kind === 'conv' && layer.bias) {
      const next = layers[i + 1];
      if (next?.kind !== 'elu' || !soleReader(layer.output, i + 1)) continue;
      claim(
        {
          kind: 'biasElu',
          first: i,
          conv: { index: i, layer },
          elu: { index: i + 1, layer: next },
          covers: [layer.name, next.name],
          backwardCovers: [layer.name, next.name],
        },
        [i, i + 1],
      );
    }
  }
  return { startsAt, memberOf, chains };
}

/** A plan with no fused chains (devices without FusedDeviceOps, eval mode). */
export const NO_FUSION: FusionPlan = { startsAt: new Map(), memberOf: new Map(), chains: [] };
