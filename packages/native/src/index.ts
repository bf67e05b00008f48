/**
 * @unet3d/native: the system C compiler found and probed (`findCompiler`), C sources built into shared
 * objects with an on-disk cache keyed by sha256 of source, compiler and flags (`buildSharedObject`,
 * `buildMany`), loaded through koffi with typed arrays passed in place (`loadLibrary`), this CPU's features
 * (`detectCpuFeatures`) and its measured fp32 peak and memory bandwidth (`measureCpuProfile`); how busy the
 * machine is while something is measured (`QuietnessMonitor`, `measureQuietly`: Linux /proc readings, pure
 * parsers in system-readings.ts).
 */
export * from './build.js';
export * from './compiler.js';
export * from './cpu-features.js';
export * from './cpu-profile.js';
export * from './errors.js';
export * from './library.js';
export * from './quietness-monitor.js';
export * from './quietness-verdict.js';
export * from './system-reader.js';
export * from './system-readings.js';
