export * from './adapted-rand.js';
export * from './affinity-accuracy.js';
export * from './connected-components.js';
export * from './evaluate-affinities.js';
