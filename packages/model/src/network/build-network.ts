import { ConfigError } from '@unet3d/core';
import { DEFAULT_BATCH, DEFAULT_PATCH } from '@unet3d/paper';
import type { ModelName, Network } from './network.js';
import { buildResidualSymmetricUnet } from './residual-symmetric-unet.js';

/** The Table-1 models in order, with their paper channels and whether the embedding is strided. */
export const MODEL_PRESETS: Readonly<
  Record<ModelName, { readonly channels: readonly number[]; readonly strided: boolean }>
> = {
  baseline: { channels: [24, 32, 48, 72, 104], strided: false },
  strided: { channels: [24, 32, 48, 72, 104], strided: true },
  scaled: { channels: [24, 64, 192, 192, 192], strided: true },
};

export const MODEL_NAMES: readonly ModelName[] = ['baseline', 'strided', 'scaled'];

/** The paper's levels per model (5: four 2×2×2 poolings). */
export const PAPER_LEVELS = 5;

export interface BuildNetworkOptions {
  model: ModelName | string;
  /** Patch (D, H, W); default 64×128×128. */
  input?: readonly number[];
  /** Default 1. */
  batch?: number;
  /** Override the preset channels (5 entries). */
  channels?: readonly number[];
}

export function isModelName(name: string): name is ModelName {
  return (MODEL_NAMES as readonly string[]).includes(name);
}

/**
 * Build one of the paper's networks for a patch and batch. Throws ConfigError for an unknown model or a
 * channel list of the wrong length, ShapeError for a patch the pooling cannot divide.
 */
export function buildNetwork(options: BuildNetworkOptions): Network {
  const { model } = options;
  if (!isModelName(model)) {
    throw new ConfigError(`unknown model '${model}'`, `allowed models: ${MODEL_NAMES.join(', ')}`);
  }
  const preset = MODEL_PRESETS[model];
  const channels = options.channels ?? preset.channels;
  if (channels.length !== PAPER_LEVELS) {
    throw new ConfigError(
      `model '${model}' needs ${PAPER_LEVELS} channel counts, got ${channels.length} (${channels.join(',')})`,
      `give one count per level, e.g. ${preset.channels.join(',')}`,
    );
  }
  const input = options.input ?? DEFAULT_PATCH;
  if (input.length !== 3) {
    throw new ConfigError(
      `patch needs 3 sizes D,H,W, got ${input.length} (${input.join(',')})`,
      'e.g. 64,128,128',
    );
  }
  return buildResidualSymmetricUnet({
    name: model,
    channels,
    strided: preset.strided,
    input: [input[0]!, input[1]!, input[2]!],
    batch: options.batch ?? DEFAULT_BATCH,
  });
}
