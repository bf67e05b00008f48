import { elementwisePass, type OpCost, ZERO_PASS } from './pass-cost.js';

/** FLOP per output element of ×2 trilinear upsampling: 8 weighted taps = 8 multiplies + 7 adds. */
export const TRILINEAR_FLOP_PER_OUTPUT = 15;

/**
 * ×2 trilinear upsampling (align_corners = false) producing `outputElements` values from 1/8 as many.
 * Forward reads x, writes y; backward does the transposed weighted sums (same count), reads dy, writes dx.
 * The direct form is counted; a separable implementation needs fewer operations. No parameters.
 */
export function upsampleTrilinearCost(outputElements: number): OpCost {
  const inputElements = outputElements / 8;
  return {
    forward: elementwisePass(outputElements, TRILINEAR_FLOP_PER_OUTPUT, inputElements, outputElements),
    backwardData: elementwisePass(outputElements, TRILINEAR_FLOP_PER_OUTPUT, outputElements, inputElements),
    backwardFilter: ZERO_PASS,
    params: 0,
  };
}
