export * from './backend-registry.js';
export * from './conv-backend.js';
export * from './conv-spec.js';
export * from './conv-workload.js';
export * from './device.js';
export * from './errors.js';
export * from './seeded-rng.js';
export * from './shape.js';
