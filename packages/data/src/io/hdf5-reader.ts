import { stat } from 'node:fs/promises';
import { DataFileError, type Triple } from '@unet3d/core';
import type { Dataset, File as H5File } from 'h5wasm';
import { loadH5wasm } from './hdf5-module.js';
import type { VolumeArray, VolumeDtype, VolumeReader } from './volume-reader.js';
import type { VolumeSource } from './volume-source.js';

const HINT = 'give file.h5:/path/to/dataset naming a 3-D (z, y, x) integer or float dataset';

function fail(where: string, problem: string, cause?: unknown): never {
  throw new DataFileError(`${where}: ${problem}`, HINT, cause === undefined ? undefined : { cause });
}

/** The informative part of an HDF5 error stack: its deepest 'minor:' line (e.g. 'File has been truncated'). */
function firstLine(err: unknown): string {
  const lines = (err instanceof Error ? err.message : String(err)).split('\n').map((l) => l.trim());
  const truncated = lines.find((l) => /truncated/i.test(l));
  if (truncated) return truncated.slice(truncated.search(/truncated/i));
  const minors = lines.filter((l) => l.startsWith('minor:'));
  return (minors.at(-1)?.slice(6).trim() ?? lines[0]) || 'unknown error';
}

/** HDF5 type metadata (h5wasm's `Metadata`: type 0 = integer, 1 = float) to our dtype. */
function hdf5Dtype(meta: { type: number; size: number; signed?: boolean }): VolumeDtype | undefined {
  if (meta.type === 1) return meta.size === 4 ? 'float32' : meta.size === 8 ? 'float64' : undefined;
  if (meta.type !== 0 || ![1, 2, 4, 8].includes(meta.size)) return undefined;
  return `${meta.signed ? 'int' : 'uint'}${meta.size * 8}` as VolumeDtype;
}

/**
 * Open one 3-D dataset (z, y, x) of an HDF5 file with h5wasm. `readSlices(z0, z1)` reads the hyperslab
 * [z0, z1) × H × W, so only the chunks it touches are read and decompressed (gzip and shuffle filters are
 * built into h5wasm).
 *
 * Errors (DataFileError, message starting with `file.h5:/dataset`): missing file, not HDF5, truncated or
 * corrupt file, missing dataset (or a group at that path), a dataset that is not 3-D, an element type other
 * than 8/16/32/64-bit integers (either byte order; 64-bit ones are read as BigUint64Array / BigInt64Array)
 * or 32/64-bit floats.
 */
export async function openHdf5Dataset(source: VolumeSource): Promise<VolumeReader> {
  const { path } = source;
  const dataset = source.dataset ?? '';
  const where = `${path}:${dataset}`;
  let fileSize = 0;
  try {
    fileSize = (await stat(path)).size;
  } catch {
    fail(path, 'no such file');
  }
  const h5 = await loadH5wasm();
  let file: H5File;
  try {
    file = new h5.File(path, 'r');
  } catch (err) {
    fail(path, `not a readable HDF5 file (${firstLine(err)})`, err);
  }
  if (file.file_id < 0n) fail(path, `not a readable HDF5 file (${fileSize} bytes; truncated or not HDF5)`);
  const closeQuietly = () => {
    try {
      file.close();
    } catch {
      // already closed or never opened
    }
  };
  let ds: Dataset;
  let shape: Triple;
  let dtype: VolumeDtype;
  try {
    const entity = file.get(dataset);
    if (entity === null) fail(where, 'no such dataset in the file');
    if (!(entity instanceof h5.Dataset)) fail(where, 'is a group, not a dataset');
    ds = entity;
    const dims = ds.shape;
    if (dims === null || dims.length !== 3)
      fail(where, `dataset has shape [${dims?.join(',') ?? ''}], a volume needs 3 dims (z, y, x)`);
    shape = [dims[0]!, dims[1]!, dims[2]!];
    const t = hdf5Dtype(ds.metadata);
    if (t === undefined) {
      throw new DataFileError(
        `${where}: unsupported element type (${ds.dtype})`,
        'the volume readers take 8/16/32/64-bit integer and 32/64-bit float datasets',
      );
    }
    dtype = t;
  } catch (err) {
    closeQuietly();
    if (err instanceof DataFileError) throw err;
    fail(where, `cannot read the dataset's header (${firstLine(err)})`, err);
  }
  let closed = false;
  return {
    source,
    shape,
    dtype,
    async readSlices(z0: number, z1: number): Promise<VolumeArray> {
      if (!Number.isInteger(z0) || !Number.isInteger(z1) || z0 < 0 || z1 > shape[0] || z0 > z1) {
        fail(where, `slice range [${z0}, ${z1}) is outside the dataset's ${shape[0]} slices`);
      }
      let data: unknown;
      try {
        data = ds.slice([[z0, z1], [], []]);
      } catch (err) {
        fail(
          where,
          `slices [${z0}, ${z1}) cannot be read, the file is truncated or corrupt (${firstLine(err)})`,
          err,
        );
      }
      const expected = (z1 - z0) * shape[1] * shape[2];
      if (!ArrayBuffer.isView(data) || (data as VolumeArray).length !== expected) {
        fail(
          where,
          `slices [${z0}, ${z1}) read as ${String((data as VolumeArray | null)?.length)} values, expected ${expected}`,
        );
      }
      return data as VolumeArray;
    },
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      closeQuietly();
    },
  };
}
