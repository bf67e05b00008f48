import { resolve } from 'node:path';
import { ConfigError, errorToOneLine } from '@unet3d/core';
import { PAPER_ACCURACY_DEFINITION } from '@unet3d/metrics';
import { buildNetwork, isModelName, MODEL_PRESETS } from '@unet3d/model';
import { createTrainer, readCheckpoint, type VolumeValidation, validateVolume } from '@unet3d/train';
import { openBackend } from '../../backends.js';
import { loadSplitVolume, type VolumeCliOptions } from '../train/volume-options.js';

export interface EvaluateCliOptions extends VolumeCliOptions {
  checkpoint: string;
  backend: string;
  model?: string;
  overlap: string;
  json?: boolean;
}

export interface EvaluateResult extends VolumeValidation {
  checkpoint: string;
  model: string;
  iteration: number;
  /** Shape of the evaluated (validation) part, (z, y, x). */
  shape: [number, number, number];
  accuracyDefinition: string;
  segmentation: string;
  inference: string;
}

/** What "accuracy" and the segmentation mean here, in words (printed and in --json). */
export const ACCURACY_WORDS = `voxel accuracy of the nearest-neighbour affinity maps (z, y, x; channels ${PAPER_ACCURACY_DEFINITION.channels.join(',')}) thresholded at ${PAPER_ACCURACY_DEFINITION.threshold}, over voxels whose partner lies inside the volume`;
export const SEGMENTATION_WORDS =
  'connected components of the nearest-neighbour affinities thresholded at 0.5 (6-connectivity), scored against the labels (label 0 excluded)';

/**
 * Evaluate a checkpoint on the validation part of an image + label pair: rebuild its network from the
 * checkpoint's configuration, load the weights, run blended sliding-window inference (eval mode), then
 * score the affinities. Bad input (missing or corrupt checkpoint, a checkpoint of another model than
 * --model, missing/corrupt/mismatched volumes) throws one-line typed errors; nothing is written.
 */
export async function runEvaluate(opts: EvaluateCliOptions): Promise<EvaluateResult> {
  const path = resolve(opts.checkpoint);
  const ckpt = readCheckpoint(path);
  if (!ckpt)
    throw new ConfigError(
      `checkpoint ${opts.checkpoint} does not exist`,
      'pass a file written by `unet3d train --checkpoint`',
    );
  const cfg = ckpt.config;
  const model = String(cfg['model']);
  if (!isModelName(model)) {
    throw new ConfigError(
      `checkpoint ${opts.checkpoint} is of model '${model}', which evaluate cannot rebuild`,
      `evaluate checkpoints of ${Object.keys(MODEL_PRESETS).join(', ')}`,
    );
  }
  if (opts.model !== undefined && opts.model !== model) {
    throw new ConfigError(
      `checkpoint ${opts.checkpoint} is of model '${model}', not '${opts.model}'`,
      `pass --model ${model} or a checkpoint of ${opts.model}`,
    );
  }
  const input = cfg['input'] as readonly number[] | undefined;
  const channels = cfg['channels'] as readonly number[] | undefined;
  if (!Array.isArray(input) || input.length !== 5 || !Array.isArray(channels)) {
    throw new ConfigError(
      `checkpoint ${opts.checkpoint} records no network input/channels`,
      'retrain with this build',
    );
  }
  const network = buildNetwork({ model, channels, input: input.slice(2), batch: input[0]! });
  const overlap = Number(opts.overlap);
  if (!(overlap >= 0 && overlap < 1))
    throw new ConfigError(`--overlap must be in [0, 1), got '${opts.overlap}'`);
  const data = await loadSplitVolume(opts);
  const opened = await openBackend(opts.backend);
  try {
    const trainer = await createTrainer({ network, device: opened.device, backend: opened.backend });
    try {
      try {
        trainer.loadState(ckpt.state);
      } catch (err) {
        throw new ConfigError(
          `checkpoint ${opts.checkpoint} does not fit model '${model}' [${channels.join(',')}]: ${errorToOneLine(err)}`,
          'the checkpoint was written for another network; pass the checkpoint of this model',
        );
      }
      const m = await validateVolume(trainer, data.validation, { overlap });
      return {
        checkpoint: opts.checkpoint,
        model,
        iteration: ckpt.iteration,
        shape: [...data.validation.shape],
        accuracyDefinition: ACCURACY_WORDS,
        segmentation: SEGMENTATION_WORDS,
        inference: `sliding window of the training patch ${input.slice(2).join('×')}, overlap ${overlap}, blended (tent-weighted mean of sigmoid probabilities)`,
        ...m,
      };
    } finally {
      trainer.dispose();
    }
  } finally {
    await opened.close();
  }
}

export function formatEvaluation(r: EvaluateResult): string {
  return [
    `evaluate ${r.checkpoint} (${r.model}, iteration ${r.iteration}) on the validation part [${r.shape.join(',')}]`,
    `  accuracy ${(100 * r.accuracy).toFixed(2)}%  (${r.accuracyDefinition})`,
    `  accuracy over all 12 maps at 0.5: ${(100 * r.accuracyAllMaps).toFixed(2)}%`,
    `  adapted Rand error ${r.adaptedRandError.toFixed(4)} (precision ${r.randPrecision.toFixed(4)}, recall ${r.randRecall.toFixed(4)}; ${r.segments} segments: ${r.segmentation})`,
    `  inference: ${r.inference}, ${(r.ms / 1e3).toFixed(1)} s`,
    '',
  ].join('\n');
}
