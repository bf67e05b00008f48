import { ConfigError, type ConvBackend, type Device, type Triple } from '@unet3d/core';
import type { LabelledVolume } from '@unet3d/data';
import { AFFINITY_CHANNELS, buildNetwork, type Network } from '@unet3d/model';
import { affinityAccuracy } from './accuracy.js';
import { type CheckpointConfig, configDifferences, readCheckpoint, writeCheckpoint } from './checkpoint.js';
import { SyntheticData } from './data.js';
import { createTrainer, type Trainer } from './executor/index.js';
import type { ProgressReporter } from './progress-reporter.js';
import { type VolumeValidation, validateVolume } from './validate-volume.js';
import type { TrainingData } from './volume-data.js';

/** What a run is: recorded in every checkpoint; a resumed run must match it. */
export interface TrainingConfig {
  model: string;
  channels: readonly number[];
  input: Triple;
  batch: number;
  seed: number;
  lr: number;
  /**
   * 'synthetic' (SyntheticData built from the seed), or an identifier of file data given in
   * RunTrainingOptions.data (e.g. `files:<sha256 prefixes>`), so a resume on other data is refused.
   */
  data: string;
}

/** Periodic validation on a held-out labelled volume (e.g. the validation part of splitVolume). */
export interface ValidationOptions {
  volume: LabelledVolume;
  /** Validate every this many iterations, and always after the last one. */
  every: number;
  /** Sliding-window overlap (default 0.5). */
  overlap?: number;
}

/** One validation pass: the iteration it followed and its metrics. */
export interface ValidationPoint extends VolumeValidation {
  iteration: number;
  /** Mean training loss since the previous validation point (null when no step ran in between). */
  trainLoss: number | null;
}

export interface RunTrainingOptions {
  config: TrainingConfig;
  /** Use this network instead of buildNetwork(config) (tests with fewer levels). */
  network?: Network;
  device: Device;
  backend: ConvBackend;
  /** Total iterations (a resumed run continues up to this count). */
  iterations: number;
  checkpoint?: string;
  checkpointEvery: number;
  /** Held-out crops averaged for the accuracy (default 2). */
  heldOutCrops?: number;
  /** Training batches; required unless config.data is 'synthetic' (then SyntheticData from the seed). */
  data?: TrainingData;
  /** Periodic validation on a whole volume (sliding-window inference); also gives heldOutAccuracy. */
  validation?: ValidationOptions;
  reporter: ProgressReporter;
}

export interface TrainingSummary {
  resumedFrom: number;
  iterations: number;
  losses: number[];
  accuracies: number[];
  /**
   * Nearest-neighbour affinity accuracy (eval mode) on held-out data: the last validation point's with
   * `validation`, else fixed held-out synthetic crops.
   */
  heldOutAccuracy: number;
  /** Validation points, in order (empty without `validation`). */
  validation: ValidationPoint[];
  meanMs: number;
  parameters: number;
}

function checkpointConfig(config: TrainingConfig, network: Network): CheckpointConfig {
  return {
    model: config.model,
    network: network.name,
    channels: [...network.channels],
    input: [...network.input],
    seed: config.seed,
    lr: config.lr,
    data: config.data,
  };
}

/** Held-out accuracy of nearest-neighbour affinities (eval mode), averaged over `crops` fixed crops. */
export async function heldOutAccuracy(trainer: Trainer, data: SyntheticData, crops: number): Promise<number> {
  const shape = [...trainer.network.input] as [number, number, number, number, number];
  shape[1] = AFFINITY_CHANNELS;
  let sum = 0;
  for (let k = 0; k < crops; k++) {
    const b = data.heldOut(k);
    const logits = await trainer.predict(b.input);
    sum += affinityAccuracy(logits, b.target, b.mask, shape).accuracy;
  }
  return sum / crops;
}

/** Train on synthetic data with checkpoints; resumes from `checkpoint` when the file exists. */
export async function runTraining(options: RunTrainingOptions): Promise<TrainingSummary> {
  const { config, device, backend, reporter } = options;
  if (config.data !== 'synthetic' && !options.data) {
    throw new ConfigError(
      `data source '${config.data}' needs its batches (RunTrainingOptions.data)`,
      'use --data synthetic, or give --image and --labels',
    );
  }
  if (options.validation && !(Number.isInteger(options.validation.every) && options.validation.every > 0)) {
    throw new ConfigError(
      `--validate-every must be a positive integer, got ${options.validation.every}`,
      'e.g. --validate-every 50',
    );
  }
  const network =
    options.network ??
    buildNetwork({
      model: config.model,
      input: config.input,
      batch: config.batch,
      channels: config.channels,
    });
  const ckptConfig = checkpointConfig(config, network);
  const existing = options.checkpoint ? readCheckpoint(options.checkpoint) : undefined;
  if (existing) {
    const diff = configDifferences(existing.config, ckptConfig);
    if (diff.length > 0) {
      const show = (c: CheckpointConfig) => diff.map((k) => `${k}=${JSON.stringify(c[k])}`).join(' ');
      throw new ConfigError(
        `checkpoint ${options.checkpoint} was written for another configuration (${show(existing.config)}; now ${show(ckptConfig)})`,
        'run with the same options, or pass another --checkpoint',
      );
    }
  }
  const trainer = await createTrainer({
    network,
    device,
    backend,
    seed: config.seed,
    adam: { lr: config.lr },
  });
  try {
    let start = 0;
    if (existing) {
      trainer.loadState(existing.state);
      start = existing.iteration;
      reporter.note(`resumed from ${options.checkpoint} at iteration ${start}`);
    }
    const synthetic =
      options.data === undefined
        ? new SyntheticData({ patch: config.input, batch: network.input[0], seed: config.seed })
        : undefined;
    const data: TrainingData = options.data ?? synthetic!;
    const validation: ValidationPoint[] = [];
    let sinceValidation: number[] = [];
    const validate = async (iteration: number): Promise<void> => {
      const v = options.validation!;
      const m = await validateVolume(
        trainer,
        v.volume,
        v.overlap === undefined ? {} : { overlap: v.overlap },
      );
      const trainLoss = sinceValidation.length
        ? sinceValidation.reduce((a, b) => a + b, 0) / sinceValidation.length
        : null;
      sinceValidation = [];
      validation.push({ iteration, trainLoss, ...m });
      reporter.note(
        `validation at iteration ${iteration}: nearest-neighbour affinity accuracy ${(100 * m.accuracy).toFixed(2)}%, ` +
          `adapted Rand error ${m.adaptedRandError.toFixed(4)} (${m.segments} segments, ${(m.ms / 1e3).toFixed(1)} s)`,
      );
    };
    const outShape = [...network.input] as [number, number, number, number, number];
    outShape[1] = AFFINITY_CHANNELS;
    const save = async (iteration: number): Promise<void> => {
      if (!options.checkpoint) return;
      await writeCheckpoint(options.checkpoint, { config: ckptConfig, iteration, state: trainer.state() });
      reporter.note(`checkpoint ${options.checkpoint} written at iteration ${iteration}`);
    };
    const losses: number[] = [];
    const accuracies: number[] = [];
    let msTotal = 0;
    reporter.start(options.iterations, start);
    try {
      for (let it = start + 1; it <= options.iterations; it++) {
        const batch = data.trainBatch(it);
        const r = await trainer.step(batch, { output: true });
        if (!Number.isFinite(r.loss)) {
          throw new ConfigError(`training diverged: loss is ${r.loss} at iteration ${it}`, 'lower --lr');
        }
        const accuracy = affinityAccuracy(r.output!, batch.target, batch.mask, outShape).accuracy;
        losses.push(r.loss);
        sinceValidation.push(r.loss);
        accuracies.push(accuracy);
        msTotal += r.ms;
        reporter.iteration({ iteration: it, total: options.iterations, loss: r.loss, accuracy, ms: r.ms });
        if (it % options.checkpointEvery === 0 && it !== options.iterations) await save(it);
        if (options.validation && it % options.validation.every === 0 && it !== options.iterations) {
          await validate(it);
        }
      }
    } finally {
      reporter.stop();
    }
    if (options.iterations > start) await save(options.iterations);
    if (options.validation) await validate(Math.max(options.iterations, start));
    const held = synthetic
      ? await heldOutAccuracy(trainer, synthetic, options.heldOutCrops ?? 2)
      : (validation[validation.length - 1]?.accuracy ?? Number.NaN);
    return {
      resumedFrom: start,
      iterations: Math.max(options.iterations, start),
      losses,
      accuracies,
      heldOutAccuracy: held,
      validation,
      meanMs: losses.length ? msTotal / losses.length : Number.NaN,
      parameters: trainer.parameterCount(),
    };
  } finally {
    trainer.dispose();
  }
}
