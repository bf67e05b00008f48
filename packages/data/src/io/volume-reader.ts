import type { Triple } from '@unet3d/core';
import type { VolumeSource } from './volume-source.js';

/**
 * Element types a volume file may hold. 64-bit integers come from HDF5 label datasets (CREMI's neuron_ids are
 * uint64); readLabelVolume brings them to 32 bits.
 */
export type VolumeDtype =
  | 'uint8'
  | 'uint16'
  | 'uint32'
  | 'uint64'
  | 'int8'
  | 'int16'
  | 'int32'
  | 'int64'
  | 'float32'
  | 'float64';

/** A typed array holding voxels of one of the VolumeDtypes (BigUint64Array / BigInt64Array for 64-bit integers). */
export type VolumeArray =
  | Uint8Array
  | Uint16Array
  | Uint32Array
  | BigUint64Array
  | Int8Array
  | Int16Array
  | Int32Array
  | BigInt64Array
  | Float32Array
  | Float64Array;

export const INTEGER_DTYPES: readonly VolumeDtype[] = [
  'uint8',
  'uint16',
  'uint32',
  'uint64',
  'int8',
  'int16',
  'int32',
  'int64',
];

/** Bytes per voxel of a dtype. */
export function dtypeBytes(dtype: VolumeDtype): number {
  return dtype.endsWith('8') ? 1 : dtype.endsWith('16') ? 2 : dtype.endsWith('64') ? 8 : 4;
}

/** The typed-array constructor of a dtype. */
export function typedArrayFor(dtype: VolumeDtype): new (n: number) => VolumeArray {
  switch (dtype) {
    case 'uint8':
      return Uint8Array;
    case 'uint16':
      return Uint16Array;
    case 'uint32':
      return Uint32Array;
    case 'uint64':
      return BigUint64Array;
    case 'int8':
      return Int8Array;
    case 'int16':
      return Int16Array;
    case 'int32':
      return Int32Array;
    case 'int64':
      return BigInt64Array;
    case 'float32':
      return Float32Array;
    case 'float64':
      return Float64Array;
  }
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
