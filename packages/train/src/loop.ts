import { ConfigError, type ConvBackend, type Device, type Triple } from '@unet3d/core';
import { AFFINITY_CHANNELS, buildNetwork, type Network } from '@unet3d/model';
import { affinityAccuracy } from './accuracy.js';
import { type CheckpointConfig, configDifferences, readCheckpoint, writeCheckpoint } from './checkpoint.js';
import { SyntheticData } from './data.js';
import { createTrainer, type Trainer } from './executor/index.js';
import type { ProgressReporter } from './progress-reporter.js';

/** What a run is: recorded in every checkpoint; a resumed run must match it. */
export interface TrainingConfig {
  model: string;
  channels: readonly number[];
  input: Triple;
  batch: number;
  seed: number;
  lr: number;
  data: 'synthetic';
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
  reporter: ProgressReporter;
}

export interface TrainingSummary {
  resumedFrom: number;
  iterations: number;
  losses: number[];
  accuracies: number[];
  /** Nearest-neighbour affinity accuracy on held-out synthetic data, eval mode. */
  heldOutAccuracy: number;
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
  if (config.data !== 'synthetic') {
    throw new ConfigError(`unknown data source '${config.data}'`, 'only --data synthetic is available');
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
    const data = new SyntheticData({ patch: config.input, batch: network.input[0], seed: config.seed });
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
        accuracies.push(accuracy);
        msTotal += r.ms;
        reporter.iteration({ iteration: it, total: options.iterations, loss: r.loss, accuracy, ms: r.ms });
        if (it % options.checkpointEvery === 0 && it !== options.iterations) await save(it);
      }
    } finally {
      reporter.stop();
    }
    if (options.iterations > start) await save(options.iterations);
    const held = await heldOutAccuracy(trainer, data, options.heldOutCrops ?? 2);
    return {
      resumedFrom: start,
      iterations: Math.max(options.iterations, start),
      losses,
      accuracies,
      heldOutAccuracy: held,
      meanMs: losses.length ? msTotal / losses.length : Number.NaN,
      parameters: trainer.parameterCount(),
    };
  } finally {
    trainer.dispose();
  }
}
