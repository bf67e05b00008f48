import { type OpCost, ZERO_PASS } from './pass-cost.js';

/**
 * Per-channel bias add on an output of `elements` values and `channels` channels (a separate op after the
 * conv, as the executor runs it). Forward: 1 add per element, reads y and b, writes y. Backward-data: the
 * gradient passes through unchanged (0 FLOP, nothing moved). Parameter gradient: db = Σ dy over N, D, H, W,
 * 1 add per element, reads dy, writes db.
 */
export function biasAddCost(elements: number, channels: number): OpCost {
  return {
    forward: { macs: 0, flop: elements, readElements: elements + channels, writeElements: elements },
    backwardData: ZERO_PASS,
    backwardFilter: { macs: 0, flop: elements, readElements: elements, writeElements: channels },
    params: channels,
  };
}
