import { elementwisePass, type OpCost, ZERO_PASS } from './pass-cost.js';

/** Per-element FLOP of the masked mean sigmoid + binary cross-entropy loss on logits x, targets t, mask m. */
export const SIGMOID_BCE_FLOP_PER_ELEMENT = {
  /** Stable form max(x,0) − x·t + log(1 + e^(−|x|)) (8), times the mask and summed (2). */
  forward: 10,
  /** (σ(x) − t)·m/count: sigmoid (3), subtract, two multiplies. */
  backwardData: 6,
} as const;

/**
 * The loss over `elements` logits. Forward reads logits, targets and mask and writes one scalar; backward
 * reads the same three and writes dlogits. No parameters.
 */
export function sigmoidBceCost(elements: number): OpCost {
  const f = SIGMOID_BCE_FLOP_PER_ELEMENT;
  return {
    forward: elementwisePass(elements, f.forward, 3 * elements, 1),
    backwardData: elementwisePass(elements, f.backwardData, 3 * elements, elements),
    backwardFilter: ZERO_PASS,
    params: 0,
  };
}
