/**
 * @unet3d/paper — the paper's Table 1 (as printed), its rows (id, network, stride, channels), the default
 * patch, and the candidate backends of each of the paper's implementations. Depends only on @unet3d/core.
 */
export * from './gflop.js';
export * from './implementations.js';
export * from './table1.js';
