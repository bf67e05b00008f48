export * from './anisotropy.js';
export * from './augment.js';
export * from './em-batch.js';
export * from './read-protocol-volume.js';
export * from './resample.js';
export * from './rescale-volume.js';
export * from './split.js';
