import { ConfigError, type Triple } from '@unet3d/core';
import {
  type LabelledVolume,
  openVolume,
  parseSplit,
  parseVolumeSource,
  readProtocolVolume,
  splitVolume,
  type VolumeSplit,
  volumeFileSha256,
} from '@unet3d/data';
import { parsePositiveNumber } from '../../options.js';

/** The data options `train`, `evaluate` and `accuracy` share. */
export interface VolumeCliOptions {
  image: string;
  labels: string;
  anisotropy?: string | undefined;
  voxelNm?: string | undefined;
  split: string;
}

/** One file as the accuracy results schema records it (VolumeFileSchema). */
export interface VolumeFileInfo {
  spec: string;
  format: 'tiff' | 'hdf5';
  sha256: string;
  shape: Triple;
  dtype: string;
}

export interface SplitVolumeData {
  train: LabelledVolume;
  validation: LabelledVolume;
  split: VolumeSplit;
  /** After rescaling, (z, y, x). */
  shape: Triple;
  voxelNm: Triple | null;
  anisotropy: number | null;
  image: VolumeFileInfo;
  labels: VolumeFileInfo;
  /** `files:<image sha256[:16]>+<labels sha256[:16]>`: the checkpoint's data field (resume on other data is refused). */
  dataId: string;
}

/** `30,6,6` → [30, 6, 6] (nm, z, y, x). */
export function parseVoxelNm(value: string): Triple {
  const parts = value.split(',').map((v) => v.trim());
  if (parts.length !== 3) {
    throw new ConfigError(`--voxel-nm needs 3 sizes z,y,x in nm, got '${value}'`, 'e.g. --voxel-nm 30,6,6');
  }
  return parts.map((p) => parsePositiveNumber(p, '--voxel-nm entry')) as unknown as Triple;
}

async function fileInfo(spec: string): Promise<VolumeFileInfo> {
  const reader = await openVolume(spec);
  const info = { shape: reader.shape, dtype: reader.dtype };
  await reader.close();
  return {
    spec,
    format: parseVolumeSource(spec).format,
    sha256: await volumeFileSha256(spec),
    shape: [...info.shape] as Triple,
    dtype: info.dtype,
  };
}

/**
 * Read an image + label pair through the protocol (readProtocolVolume: TIFF or HDF5, rescaled to
 * --anisotropy when given with --voxel-nm) and split it (--split, e.g. x:0.8). Bad files and options throw
 * one-line typed errors (missing, corrupt, mismatched shapes, non-integer labels, a part left empty).
 */
export async function loadSplitVolume(opts: VolumeCliOptions): Promise<SplitVolumeData> {
  const split = parseSplit(opts.split);
  const anisotropy =
    opts.anisotropy === undefined ? null : parsePositiveNumber(opts.anisotropy, '--anisotropy');
  const voxelNm = opts.voxelNm === undefined ? undefined : parseVoxelNm(opts.voxelNm);
  const read = await readProtocolVolume(opts.image, opts.labels, {
    ...(anisotropy === null ? {} : { anisotropy }),
    ...(voxelNm ? { voxelNm } : {}),
  });
  const parts = splitVolume(read.volume, split);
  const [image, labels] = [await fileInfo(opts.image), await fileInfo(opts.labels)];
  return {
    train: parts.train,
    validation: parts.validation,
    split,
    shape: read.volume.shape,
    voxelNm: read.voxelNm,
    anisotropy,
    image,
    labels,
    dataId: `files:${image.sha256.slice(0, 16)}+${labels.sha256.slice(0, 16)}`,
  };
}
