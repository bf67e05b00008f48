export * from './network/build-network.js';
export * from './network/layer.js';
export * from './network/layer-factory.js';
export * from './network/network.js';
export * from './network/residual-symmetric-unet.js';
export * from './network/resnet50.js';
export * from './network/sqrt8-channels.js';
