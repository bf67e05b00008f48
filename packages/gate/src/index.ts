export * from './comparable.js';
export * from './compare.js';
export * from './markdown.js';
export * from './refusal.js';
export * from './stats/bootstrap.js';
export * from './stats/holm.js';
export * from './stats/mann-whitney.js';
export * from './stats/samples-needed.js';
