import { numel } from '@unet3d/core';
import type { Network } from '@unet3d/model';
import { passBytes } from './arithmetic-intensity.js';
import { type LayerCost, layerCost } from './layer-cost.js';
import { type OpCost, PASS_NAMES, type PassName, ZERO_PASS } from './pass-cost.js';
import { sigmoidBceCost } from './sigmoid-bce-cost.js';
import { STORAGE_FORMATS, type StorageFormat } from './storage.js';
import { GIGA } from './units.js';

export interface NetworkCostOptions {
  /**
   * Count the data gradient of the first layer (the embedding, whose input is the image). A framework skips
   * it (the image needs no gradient), but Table 1 of the paper counts it, so the default is true.
   */
  includeInputDataGradient?: boolean;
}

export interface CostTotals {
  readonly forwardMacs: number;
  readonly backwardDataMacs: number;
  readonly backwardFilterMacs: number;
  /** All passes' MACs / 1e9: the paper's "GFLOP" (it counts one MAC as one operation). */
  readonly paperGmac: number;
  readonly forwardFlop: number;
  readonly backwardDataFlop: number;
  readonly backwardFilterFlop: number;
  /** Every pass of every layer plus the loss: one training iteration's FLOP (optimizer step excluded). */
  readonly iterationFlop: number;
  /** The part of iterationFlop that is not 2·MACs (bias, batch norm, ELU, pooling, upsampling, adds, loss). */
  readonly elementwiseFlop: number;
  readonly params: number;
  /** Fewest bytes moved per pass, per storage format. */
  readonly bytes: Readonly<Record<StorageFormat, Readonly<Record<PassName, number>>>>;
}

export interface NetworkCost {
  readonly network: Network;
  readonly layers: readonly LayerCost[];
  /** Sigmoid + binary cross-entropy on the logits (not a layer of the Network). */
  readonly loss: OpCost;
  readonly totals: CostTotals;
}

/**
 * Costs of every layer of a network and their totals for one training iteration.
 *
 * Table 1 reproduction (1×64×128×128 patch, first-layer data gradient included), paperGmac vs the paper's
 * printed GFLOP (@unet3d/paper): baseline 430.18 (−0.11%), strided 96.90 (−0.12%), scaled 211.10 (−0.07%).
 *
 * The element-wise term (see paper-elementwise-term.ts). The paper's rows sit above pure conv MACs by
 * 0.48, 0.12 and 0.14 G (±0.005 from rounding); the gaps scale with the body's activation volume (460 ± 5
 * and 461 ± 19 per body voxel for baseline and strided), not with the image or the logits, so they are
 * element-wise work on activations, not a conv. An exhaustive search over per-element counts (0–3 each) of
 * conv bias, batch norm, ELU, add, max-pool (in/out), upsampling (in/out) and loss elements finds 15 mixes
 * that give all three printed figures to the cent; the simplest (5 ops) is: one op per element for the bias
 * add and again for the bias gradient, plus one op per element of every ELU, residual/skip add and max-pool
 * output, with batch norm and upsampling uncounted: 430.660, 97.020, 211.236 (|Δ| ≤ 0.001%). Every mix that
 * fits counts ELU exactly once and batch norm not at all; the rule cannot be pinned down further from three
 * rounded numbers. Our totals keep the one convention (conv MACs in paperGmac; our own element-wise FLOP in
 * elementwiseFlop), unfudged; paperElementwiseTerm() reproduces the paper's figures separately.
 */
export function networkCost(network: Network, options: NetworkCostOptions = {}): NetworkCost {
  const includeInputGrad = options.includeInputDataGradient ?? true;
  const layers = network.layers.map((layer) => {
    const lc = layerCost(layer);
    const readsImage = layer.kind !== 'add' && layer.input === 'input';
    if (readsImage && !includeInputGrad) return { ...lc, cost: { ...lc.cost, backwardData: ZERO_PASS } };
    return lc;
  });
  const logits = network.layers.find((l) => l.name === network.output);
  const loss = sigmoidBceCost(logits ? numel(logits.outputShape) : 0);
  const all = [...layers.map((l) => l.cost), loss];
  const sum = (f: (c: OpCost) => number) => all.reduce((s, c) => s + f(c), 0);

  const forwardMacs = sum((c) => c.forward.macs);
  const backwardDataMacs = sum((c) => c.backwardData.macs);
  const backwardFilterMacs = sum((c) => c.backwardFilter.macs);
  const forwardFlop = sum((c) => c.forward.flop);
  const backwardDataFlop = sum((c) => c.backwardData.flop);
  const backwardFilterFlop = sum((c) => c.backwardFilter.flop);
  const iterationFlop = forwardFlop + backwardDataFlop + backwardFilterFlop;
  const macs = forwardMacs + backwardDataMacs + backwardFilterMacs;
  const bytes = Object.fromEntries(
    STORAGE_FORMATS.map((s) => [
      s,
      Object.fromEntries(PASS_NAMES.map((p) => [p, sum((c) => passBytes(c[p], s))])),
    ]),
  ) as unknown as CostTotals['bytes'];
  return {
    network,
    layers,
    loss,
    totals: {
      forwardMacs,
      backwardDataMacs,
      backwardFilterMacs,
      paperGmac: macs / GIGA,
      forwardFlop,
      backwardDataFlop,
      backwardFilterFlop,
      iterationFlop,
      elementwiseFlop: iterationFlop - 2 * macs,
      params: sum((c) => c.params),
      bytes,
    },
  };
}
