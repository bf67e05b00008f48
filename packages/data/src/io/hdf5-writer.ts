import { randomBytes } from 'node:crypto';
import { open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { ConfigError, DataFileError, type Triple } from '@unet3d/core';
import { loadH5wasm } from './hdf5-module.js';
import type { VolumeArray } from './volume-reader.js';

/** One dataset to write: its path inside the file, C-order (z, y, x) data and shape. */
export interface Hdf5DatasetInput {
  /** Absolute path inside the file, e.g. `/volumes/raw`; parent groups are created. */
  name: string;
  data: VolumeArray;
  shape: Triple;
  /** Chunk shape (z, y, x); default one z slice per chunk, so z-range reads touch only their slices. */
  chunks?: Triple;
  /** gzip level 1–9; default none. */
  gzip?: number;
}

const H5_DTYPE: Record<string, string> = {
  Uint8Array: '<B',
  Uint16Array: '<H',
  Uint32Array: '<I',
  Int8Array: '<b',
  Int16Array: '<h',
  Int32Array: '<i',
  Float32Array: '<f',
  Float64Array: '<d',
};

/**
 * Write datasets into a new HDF5 file with h5wasm, atomically: the file is written under a temporary name
 * in the target directory, closed, fsync'ed, then renamed over `path` (a reader never sees half a file).
 * Throws ConfigError when a dataset's data does not fill its shape; DataFileError when h5wasm fails.
 */
export async function writeHdf5Volumes(path: string, datasets: readonly Hdf5DatasetInput[]): Promise<void> {
  for (const d of datasets) {
    const n = d.shape[0] * d.shape[1] * d.shape[2];
    if (d.data.length !== n) {
      throw new ConfigError(
        `${path}:${d.name}: ${d.data.length} voxels do not fill shape [${d.shape.join(',')}]`,
      );
    }
  }
  const h5 = await loadH5wasm();
  const tmp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    const file = new h5.File(tmp, 'w');
    if (file.file_id < 0n) throw new Error('cannot create the file');
    try {
      for (const d of datasets) {
        const name = d.name.startsWith('/') ? d.name : `/${d.name}`;
        const parts = name.split('/').filter(Boolean);
        let group = '';
        for (const part of parts.slice(0, -1)) {
          group += `/${part}`;
          if (file.get(group) === null) file.create_group(group);
        }
        file.create_dataset({
          name,
          data: d.data,
          shape: [...d.shape],
          dtype: H5_DTYPE[d.data.constructor.name]!,
          chunks: [...(d.chunks ?? [1, d.shape[1], d.shape[2]])],
          ...(d.gzip ? { compression: d.gzip } : {}),
        });
      }
    } finally {
      file.close();
    }
    const handle = await open(tmp, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(tmp, path);
  } catch (err) {
    await unlink(tmp).catch(() => undefined);
    if (err instanceof ConfigError) throw err;
    const msg = (err instanceof Error ? err.message : String(err)).split('\n')[0];
    throw new DataFileError(
      `${path}: cannot write HDF5 (${msg})`,
      'check the directory exists and is writable',
      {
        cause: err,
      },
    );
  }
}
