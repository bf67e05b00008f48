/**
 * @unet3d/train — training a network of @unet3d/model on any Device + ConvBackend: the executor (plan,
 * forward, backward, Adam; `createTrainer`), the training loop with atomic checkpoints and resume
 * (`runTraining`), seeded synthetic-data batches (`SyntheticData`) and nearest-neighbour affinity accuracy.
 */
export * from './accuracy.js';
export * from './checkpoint.js';
export * from './data.js';
export * from './executor/index.js';
export * from './loop.js';
export * from './progress-reporter.js';
export * from './sliding-window.js';
export * from './validate-volume.js';
export * from './volume-data.js';
