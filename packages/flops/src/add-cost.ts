import { elementwisePass, type OpCost, ZERO_PASS } from './pass-cost.js';

/**
 * Element-wise sum of two tensors of `elements` values (residual and skip connections). Forward: 1 add per
 * element, reads both, writes one. Backward: the gradient of a sum is dy for both summands, but in these
 * networks one summand (the residual r, or the encoder output) also feeds another layer, so its gradient is
 * accumulated: 1 add per element, reads dy and the other consumer's gradient, writes the sum. The fan-out
 * accumulation is charged here, to the add, once per add. No parameters.
 */
export function residualAddCost(elements: number): OpCost {
  return {
    forward: elementwisePass(elements, 1, 2 * elements, elements),
    backwardData: elementwisePass(elements, 1, 2 * elements, elements),
    backwardFilter: ZERO_PASS,
    params: 0,
  };
}
