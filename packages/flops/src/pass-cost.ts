/**
 * The cost of one pass of one op: multiply-accumulates, floating-point operations and the fewest tensor
 * elements the pass must read and write (every operand touched once; nothing assumed cached on chip).
 * Bytes follow from elements times the storage width (see `storage.ts`).
 */
export interface PassCost {
  /** Multiply-accumulates of MAC-shaped work (convolutions); 0 for element-wise ops. */
  readonly macs: number;
  /** All floating-point operations of the pass: 2 per MAC plus the element-wise operations. */
  readonly flop: number;
  readonly readElements: number;
  readonly writeElements: number;
}

/**
 * One op's three passes. `backwardFilter` is the parameter gradient: the filter for a conv, γ and β for batch
 * norm, the bias for a bias add; ops without parameters have ZERO_PASS there. `backwardData` is the gradient
 * with respect to the op's input(s).
 */
export interface OpCost {
  readonly forward: PassCost;
  readonly backwardData: PassCost;
  readonly backwardFilter: PassCost;
  readonly params: number;
}

export type PassName = 'forward' | 'backwardData' | 'backwardFilter';
export const PASS_NAMES: readonly PassName[] = ['forward', 'backwardData', 'backwardFilter'];

export const ZERO_PASS: PassCost = { macs: 0, flop: 0, readElements: 0, writeElements: 0 };

/** An element-wise pass: `flopPerElement` operations on each of `elements` elements, plus its operand traffic. */
export function elementwisePass(
  elements: number,
  flopPerElement: number,
  readElements: number,
  writeElements: number,
): PassCost {
  return { macs: 0, flop: elements * flopPerElement, readElements, writeElements };
}

export function addPasses(a: PassCost, b: PassCost): PassCost {
  return {
    macs: a.macs + b.macs,
    flop: a.flop + b.flop,
    readElements: a.readElements + b.readElements,
    writeElements: a.writeElements + b.writeElements,
  };
}

export function addOpCosts(a: OpCost, b: OpCost): OpCost {
  return {
    forward: addPasses(a.forward, b.forward),
    backwardData: addPasses(a.backwardData, b.backwardData),
    backwardFilter: addPasses(a.backwardFilter, b.backwardFilter),
    params: a.params + b.params,
  };
}

/** A pass with no cost at all, e.g. an op with no parameters. */
export function isZeroPass(p: PassCost): boolean {
  return p.macs === 0 && p.flop === 0 && p.readElements === 0 && p.writeElements === 0;
}
