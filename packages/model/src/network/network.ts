import type { Shape5D } from '@unet3d/core';
import type { Layer } from './layer.js';

/** The paper's three networks (Table 1 rows) plus custom ones from the √8 generator. */
export type ModelName = 'baseline' | 'strided' | 'scaled';

export interface Network {
  /** 'baseline' | 'strided' | 'scaled' or a generated name. */
  readonly name: string;
  /** Channels per level, c0..c(L-1). */
  readonly channels: readonly number[];
  /** Whether the input embedding is strided (1,2,2) with a transposed-conv head. */
  readonly strided: boolean;
  /** Network input shape (N, 1, D, H, W). */
  readonly input: Shape5D;
  readonly layers: readonly Layer[];
  /** Name of the logits tensor (N, 12, D, H, W): one channel per affinity offset. */
  readonly output: string;
}
