import { ConfigError } from '@unet3d/core';

/** Container formats an EM volume is read from. */
export type VolumeFormat = 'tiff' | 'hdf5';

/** Where a volume lives: a multi-page TIFF stack, or one dataset inside an HDF5 file. */
export interface VolumeSource {
  /** File path as given (relative paths resolve against the working directory). */
  path: string;
  format: VolumeFormat;
  /** HDF5 only: absolute path of the dataset inside the file, e.g. `/volumes/raw`. */
  dataset?: string;
}

const TIFF_EXT = /\.tiff?$/i;
const HDF5_EXT = /\.(h5|hdf5|hdf)$/i;

/**
 * Parse a volume argument: `stack.tif` / `stack.tiff` (multi-page TIFF, one page per z slice) or
 * `file.h5:/path/to/dataset` (also `.hdf5`, `.hdf`), the convention of pytorch_connectomics and CREMI.
 * Throws ConfigError for an unknown extension or an HDF5 file without a dataset path.
 */
export function parseVolumeSource(spec: string): VolumeSource {
  const trimmed = spec.trim();
  if (trimmed === '') throw new ConfigError('empty volume path', 'give a .tif stack or file.h5:/dataset');
  const colon = trimmed.lastIndexOf(':');
  if (colon > 0) {
    const path = trimmed.slice(0, colon);
    const dataset = trimmed.slice(colon + 1);
    if (HDF5_EXT.test(path)) {
      if (dataset === '' || dataset === '/') {
        throw new ConfigError(`${path}: no dataset path after ':'`, 'write it as file.h5:/path/to/dataset');
      }
      return { path, format: 'hdf5', dataset: dataset.startsWith('/') ? dataset : `/${dataset}` };
    }
  }
  if (TIFF_EXT.test(trimmed)) return { path: trimmed, format: 'tiff' };
  if (HDF5_EXT.test(trimmed)) {
    throw new ConfigError(
      `${trimmed}: an HDF5 volume needs a dataset path`,
      `write it as ${trimmed}:/path/to/dataset`,
    );
  }
  throw new ConfigError(
    `${trimmed}: unknown volume format`,
    'give a multi-page TIFF (.tif, .tiff) or an HDF5 dataset (file.h5:/path)',
  );
}

/** The argument form of a source (inverse of parseVolumeSource). */
export function formatVolumeSource(source: VolumeSource): string {
  return source.format === 'hdf5' ? `${source.path}:${source.dataset}` : source.path;
}
