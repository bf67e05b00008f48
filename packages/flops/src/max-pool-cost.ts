import { elementwisePass, type OpCost, ZERO_PASS } from './pass-cost.js';

/**
 * 2×2×2 max pool, stride 2, producing `outputElements` values from 8× as many. Forward: 7 comparisons per
 * output (counted as FLOP), reads x, writes y. Backward (fewest bytes: the winner is found again instead of
 * storing an index): 8 equality tests per window, reads x, y and dy, writes dx. No parameters.
 */
export function maxPoolCost(outputElements: number): OpCost {
  const inputElements = 8 * outputElements;
  return {
    forward: elementwisePass(outputElements, 7, inputElements, outputElements),
    backwardData: elementwisePass(outputElements, 8, inputElements + 2 * outputElements, inputElements),
    backwardFilter: ZERO_PASS,
    params: 0,
  };
}
