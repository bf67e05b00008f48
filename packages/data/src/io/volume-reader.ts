import type { Triple } from '@unet3d/core';
import type { VolumeSource } from './volume-source.js';

/** Element types a volume file may hold. */
export type VolumeDtype = 'uint8' | 'uint16' | 'uint32' | 'int8' | 'int16' | 'int32' | 'float32' | 'float64';

/** A typed array holding voxels of one of the VolumeDtypes. */
export type VolumeArray =
  | Uint8Array
  | Uint16Array
  | Uint32Array
  | Int8Array
  | Int16Array
  | Int32Array
  | Float32Array
  | Float64Array;

export const INTEGER_DTYPES: readonly VolumeDtype[] = ['uint8', 'uint16', 'uint32', 'int8', 'int16', 'int32'];

/** Bytes per voxel of a dtype. */
export function dtypeBytes(dtype: VolumeDtype): number {
  return dtype.endsWith('8') ? 1 : dtype.endsWith('16') ? 2 : dtype === 'float64' ? 8 : 4;
}

/**
 * An open volume, read by z ranges so a stack larger than memory can be processed slab by slab: a TIFF
 * reader decodes only the pages asked for (geotiff reads byte ranges of the file), an HDF5 reader reads a
 * hyperslab (h5wasm reads only the chunks it touches).
 */
export interface VolumeReader {
  readonly source: VolumeSource;
  /** (D, H, W): slices, rows, columns. */
  readonly shape: Triple;
  readonly dtype: VolumeDtype;
  /**
   * Slices [z0, z1) as one C-order (z, y, x) array of the file's dtype, (z1 − z0)·H·W long.
   * Throws DataFileError naming the file when the data cannot be decoded (truncated, corrupt).
   */
  readSlices(z0: number, z1: number): Promise<VolumeArray>;
  /** Release the file. Idempotent. */
  close(): Promise<void>;
}
