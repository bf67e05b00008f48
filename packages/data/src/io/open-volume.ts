import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { DataFileError, type Triple } from '@unet3d/core';
import type { LabelledVolume } from '../patch.js';
import { openHdf5Dataset } from './hdf5-reader.js';
import { labelIdMap, mapLabelIds } from './label-ids64.js';
import { openTiffStack } from './tiff-reader.js';
import type { VolumeArray, VolumeDtype, VolumeReader } from './volume-reader.js';
import { formatVolumeSource, parseVolumeSource, type VolumeSource } from './volume-source.js';

/** Open a volume given as `stack.tif` or `file.h5:/dataset` (see parseVolumeSource). */
export async function openVolume(spec: string | VolumeSource): Promise<VolumeReader> {
  const source = typeof spec === 'string' ? parseVolumeSource(spec) : spec;
  return source.format === 'tiff' ? openTiffStack(source) : openHdf5Dataset(source);
}

/** Slabs read at a time by the whole-volume readers below (bounds the decoder's temporary memory). */
const SLAB = 16;

/** Read slices [z0, z1) of an open volume slab by slab, converting each voxel with `convert` into `out`. */
async function readConverted<T extends Float32Array | Uint32Array>(
  reader: VolumeReader,
  out: T,
  z0: number,
  z1: number,
  convert: (slab: VolumeArray, out: T, offset: number) => void,
): Promise<T> {
  const plane = reader.shape[1] * reader.shape[2];
  for (let z = z0; z < z1; z += SLAB) {
    const end = Math.min(z + SLAB, z1);
    convert(await reader.readSlices(z, end), out, (z - z0) * plane);
  }
  return out;
}

export interface ReadOptions {
  /** Slices [z0, z1) to read; default all. */
  zRange?: readonly [number, number];
  /**
   * Hears one line when 64-bit label ids are relabelled to fit 32 bits, once per file and process; default:
   * the line on stderr, prefixed `note: `.
   */
  onNote?: (line: string) => void;
}

const NOTE_ON_STDERR = (line: string) => {
  process.stderr.write(`note: ${line}\n`);
};

export interface ImageVolume {
  /** (z, y, x) C-order intensities in [0, 1] for integer files (uint8 / 255, uint16 / 65535), else as stored. */
  image: Float32Array;
  shape: Triple;
  /** The file's dtype. */
  dtype: VolumeDtype;
  source: VolumeSource;
}

export interface LabelVolume {
  /** (z, y, x) C-order neuron ids; 0 is boundary / unlabelled (SNEMI3D and CREMI convention). */
  labels: Uint32Array;
  shape: Triple;
  /** The file's dtype. */
  dtype: VolumeDtype;
  source: VolumeSource;
  /** Set when 64-bit ids were relabelled to fit 32 bits: one line saying so (see scanLabelIds). */
  relabelled?: string;
}

function zRangeOf(reader: VolumeReader, options: ReadOptions): [number, number] {
  const [z0, z1] = options.zRange ?? [0, reader.shape[0]];
  if (!Number.isInteger(z0) || !Number.isInteger(z1) || z0 < 0 || z1 > reader.shape[0] || z0 >= z1) {
    throw new DataFileError(
      `${formatVolumeSource(reader.source)}: slice range [${z0}, ${z1}) is outside its ${reader.shape[0]} slices`,
    );
  }
  return [z0, z1];
}

/**
 * Read an EM image volume as float32 intensities. Accepts uint8 (SNEMI3D, CREMI), uint16, float32 and float64
 * files; throws DataFileError naming the file for any other dtype.
 */
export async function readImageVolume(
  spec: string | VolumeSource,
  options: ReadOptions = {},
): Promise<ImageVolume> {
  const reader = await openVolume(spec);
  try {
    const { dtype } = reader;
    const scale =
      dtype === 'uint8' ? 1 / 255 : dtype === 'uint16' ? 1 / 65535 : dtype.startsWith('float') ? 1 : 0;
    if (scale === 0) {
      throw new DataFileError(
        `${formatVolumeSource(reader.source)}: image voxels are ${dtype}`,
        'an EM image must be uint8, uint16, float32 or float64',
      );
    }
    const [z0, z1] = zRangeOf(reader, options);
    const shape: Triple = [z1 - z0, reader.shape[1], reader.shape[2]];
    const image = await readConverted(
      reader,
      new Float32Array(shape[0] * shape[1] * shape[2]),
      z0,
      z1,
      (s, out, o) => {
        for (let i = 0; i < s.length; i++) out[o + i] = Number(s[i]) * scale;
      },
    );
    return { image, shape, dtype, source: reader.source };
  } finally {
    await reader.close();
  }
}

/**
 * Read a neuron label volume as uint32 ids. Accepts unsigned and signed 8/16/32/64-bit integer files. 64-bit
 * ids (CREMI's uint64 neuron_ids) are kept when every id of the whole file is below 2^32, else relabelled
 * 1, 2, … in ascending order with 0 kept (equal ids stay equal; the same mapping for every z range), which
 * `relabelled` and `options.onNote` say in one line. Throws DataFileError naming the file for a float volume
 * (labels must be integers), a negative id, or more than 2^32 − 1 distinct nonzero 64-bit ids.
 */
export async function readLabelVolume(
  spec: string | VolumeSource,
  options: ReadOptions = {},
): Promise<LabelVolume> {
  const reader = await openVolume(spec);
  try {
    const { dtype } = reader;
    const where = formatVolumeSource(reader.source);
    if (dtype.startsWith('float')) {
      throw new DataFileError(
        `${where}: label voxels are ${dtype}, not integers`,
        'give the integer neuron-id volume',
      );
    }
    const [z0, z1] = zRangeOf(reader, options);
    const shape: Triple = [z1 - z0, reader.shape[1], reader.shape[2]];
    const out = new Uint32Array(shape[0] * shape[1] * shape[2]);
    if (dtype === 'uint64' || dtype === 'int64') {
      const map = await labelIdMap(reader, options.onNote ?? NOTE_ON_STDERR);
      const labels = await readConverted(reader, out, z0, z1, (s, o, at) => mapLabelIds(s, map, o, at));
      return {
        labels,
        shape,
        dtype,
        source: reader.source,
        ...(map.kind === 'relabel' ? { relabelled: map.note } : {}),
      };
    }
    const labels = await readConverted(reader, out, z0, z1, (s, o, at) => {
      const slab = s as Exclude<VolumeArray, BigUint64Array | BigInt64Array>;
      for (let i = 0; i < slab.length; i++) {
        const v = slab[i]!;
        if (v < 0) {
          throw new DataFileError(`${where}: negative label ${v}`, 'neuron ids must be ≥ 0 (0 = boundary)');
        }
        o[at + i] = v;
      }
    });
    return { labels, shape, dtype, source: reader.source };
  } finally {
    await reader.close();
  }
}

/** An image and its labels, read and checked against each other. */
export interface LabelledVolumeFromFiles extends LabelledVolume {
  imageSource: VolumeSource;
  labelsSource: VolumeSource;
  /** Set when the labels' 64-bit ids were relabelled (LabelVolume.relabelled). */
  relabelled?: string;
}

/**
 * Read an image and its label volume (TIFF or HDF5, in any combination) and check they have the same shape.
 * Throws DataFileError naming both files when they differ.
 */
export async function readLabelledVolume(
  imageSpec: string | VolumeSource,
  labelsSpec: string | VolumeSource,
  options: ReadOptions = {},
): Promise<LabelledVolumeFromFiles> {
  // Compare the full shapes before reading any voxels.
  const [ri, rl] = [await openVolume(imageSpec), await openVolume(labelsSpec)];
  const [si, sl] = [ri.shape, rl.shape];
  const [a, b] = [formatVolumeSource(ri.source), formatVolumeSource(rl.source)];
  await ri.close();
  await rl.close();
  if (si.some((v, i) => v !== sl[i])) {
    throw new DataFileError(
      `image ${a} is [${si.join(',')}] (z,y,x) but labels ${b} are [${sl.join(',')}]`,
      'give an image and a label volume of the same shape',
    );
  }
  const image = await readImageVolume(ri.source, options);
  const labels = await readLabelVolume(rl.source, options);
  return {
    image: image.image,
    labels: labels.labels,
    shape: image.shape,
    imageSource: ri.source,
    labelsSource: rl.source,
    ...(labels.relabelled === undefined ? {} : { relabelled: labels.relabelled }),
  };
}

/**
 * SHA-256 (hex) of a volume's file, streamed (for results provenance: which data a number came from). For an
 * HDF5 source it is the whole file's hash.
 */
export async function volumeFileSha256(spec: string | VolumeSource): Promise<string> {
  const source = typeof spec === 'string' ? parseVolumeSource(spec) : spec;
  const hash = createHash('sha256');
  try {
    for await (const chunk of createReadStream(source.path)) hash.update(chunk as Buffer);
  } catch (err) {
    throw new DataFileError(`${source.path}: cannot read (${(err as Error).message})`, undefined, {
      cause: err,
    });
  }
  return hash.digest('hex');
}
