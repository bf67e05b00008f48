export * from './hdf5-reader.js';
export * from './hdf5-writer.js';
export * from './labelled-volume-files.js';
export * from './open-volume.js';
export * from './tiff-reader.js';
export * from './tiff-writer.js';
export * from './volume-reader.js';
export * from './volume-source.js';
