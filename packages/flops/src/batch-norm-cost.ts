import { elementwisePass, type OpCost } from './pass-cost.js';

/** Per-element FLOP of training-mode batch norm (per-channel O(C) work ignored). */
export const BATCH_NORM_FLOP_PER_ELEMENT = {
  /** Σx (1), Σx² (2), y = x·(γσ⁻¹) + (β − μγσ⁻¹) (2). */
  forward: 5,
  /** x̂ = (x − μ)σ⁻¹ (2), dβ = Σdy (1), dγ = Σ dy·x̂ (2). */
  backwardFilter: 5,
  /** x̂ (2), then dx = γσ⁻¹·(dy − dβ/M − x̂·dγ/M) (4). */
  backwardData: 6,
} as const;

/**
 * Training-mode batch norm over `elements` values in `channels` channels; parameters γ and β (running
 * statistics are buffers, not parameters). Fewest elements, for a tensor too big to stay on chip: forward
 * reads x twice (statistics, then normalise) and writes y; the parameter gradient reads x and dy and writes
 * dγ, dβ; the data gradient reads x and dy and writes dx.
 */
export function batchNormCost(elements: number, channels: number): OpCost {
  const f = BATCH_NORM_FLOP_PER_ELEMENT;
  return {
    forward: elementwisePass(elements, f.forward, 2 * elements + 2 * channels, elements + 2 * channels),
    backwardData: elementwisePass(elements, f.backwardData, 2 * elements + 4 * channels, elements),
    backwardFilter: elementwisePass(elements, f.backwardFilter, 2 * elements + 2 * channels, 2 * channels),
    params: 2 * channels,
  };
}
