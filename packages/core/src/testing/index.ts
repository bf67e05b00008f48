export * from './check-backend.js';
export * from './conformance-workloads.js';
export * from './random-float32.js';
export * from './reference-backend.js';
export * from './reference-conv.js';
