import { elementwisePass, type OpCost, ZERO_PASS } from './pass-cost.js';

/** Per-element FLOP of ELU; exp counts as one operation, the select as none. */
export const ELU_FLOP_PER_ELEMENT = {
  /** α·(eˣ − 1): exp, subtract, multiply. */
  forward: 3,
  /** From the output y: dy·(y + α): add, multiply. */
  backwardData: 2,
} as const;

/** ELU on `elements` values: forward reads x, writes y; backward reads dy and y, writes dx. No parameters. */
export function eluCost(elements: number): OpCost {
  return {
    forward: elementwisePass(elements, ELU_FLOP_PER_ELEMENT.forward, elements, elements),
    backwardData: elementwisePass(elements, ELU_FLOP_PER_ELEMENT.backwardData, 2 * elements, elements),
    backwardFilter: ZERO_PASS,
    params: 0,
  };
}
