import { ConfigError, type Triple } from '@unet3d/core';
import { openVolume, readLabelledVolume } from '../io/open-volume.js';
import type { VolumeSource } from '../io/volume-source.js';
import type { LabelledVolume } from '../patch.js';
import { type AnisotropyMode, anisotropyRescale, rescaledShape } from './anisotropy.js';
import { type ImageInterpolation, resampleImage, resampleLabels } from './resample.js';

export interface ProtocolVolumeOptions {
  /** Voxel size of the files (z, y, x) nm, e.g. SNEMI3D_VOXEL_NM. Required with `anisotropy`. */
  voxelNm?: Triple;
  /** Target z/xy anisotropy; omit to use the volume as read. */
  anisotropy?: number;
  mode?: AnisotropyMode;
  image?: ImageInterpolation;
  /** Slices read (and, in downsample-xy mode, resampled) at a time; default 16. */
  slab?: number;
}

export interface ProtocolVolume {
  volume: LabelledVolume;
  /** Shape of the files, (z, y, x). */
  fileShape: Triple;
  /** Voxel size after rescaling (null when read without rescaling and no voxelNm was given). */
  voxelNm: Triple | null;
  scale: Triple;
  /** Set when the labels' 64-bit ids were relabelled to fit 32 bits: the one line saying so. */
  relabelled?: string;
}

/**
 * Read an image + label pair (TIFF or HDF5) and bring it to the protocol's anisotropy. In `downsample-xy`
 * mode (the default, see AnisotropyMode) sections are independent, so the files are read and downsampled
 * slab by slab: peak memory is the rescaled volume plus one slab at full resolution (SNEMI3D: 100 × 410² voxels
 * plus 16 × 1024²). `upsample-z` reads the whole volume first. Errors as readLabelledVolume.
 */
export async function readProtocolVolume(
  imageSpec: string | VolumeSource,
  labelsSpec: string | VolumeSource,
  options: ProtocolVolumeOptions = {},
): Promise<ProtocolVolume> {
  const reader = await openVolume(imageSpec);
  const fileShape = reader.shape;
  await reader.close();
  if (options.anisotropy === undefined) {
    const v = await readLabelledVolume(imageSpec, labelsSpec);
    const { relabelled } = v;
    return {
      volume: v,
      fileShape,
      voxelNm: options.voxelNm ?? null,
      scale: [1, 1, 1],
      ...(relabelled === undefined ? {} : { relabelled }),
    };
  }
  if (!options.voxelNm) {
    throw new ConfigError(
      `anisotropy ${options.anisotropy} needs the files' voxel size`,
      'give the voxel size in nm (z, y, x), e.g. 30,6,6 for SNEMI3D',
    );
  }
  const { scale, voxelNm } = anisotropyRescale(options.voxelNm, options.anisotropy, options.mode);
  const outShape = rescaledShape(fileShape, scale);
  const method = options.image ?? 'area';
  if ((options.mode ?? 'downsample-xy') === 'upsample-z') {
    const v = await readLabelledVolume(imageSpec, labelsSpec);
    return {
      volume: {
        image: resampleImage(v.image, v.shape, outShape, method),
        labels: resampleLabels(v.labels, v.shape, outShape),
        shape: outShape,
      },
      fileShape,
      voxelNm,
      scale,
      ...(v.relabelled === undefined ? {} : { relabelled: v.relabelled }),
    };
  }
  const slab = options.slab ?? 16;
  const plane = outShape[1] * outShape[2];
  const image = new Float32Array(outShape[0] * plane);
  const labels = new Uint32Array(outShape[0] * plane);
  let relabelled: string | undefined;
  for (let z = 0; z < fileShape[0]; z += slab) {
    const z1 = Math.min(z + slab, fileShape[0]);
    const part = await readLabelledVolume(imageSpec, labelsSpec, { zRange: [z, z1] });
    relabelled ??= part.relabelled;
    const partOut: Triple = [z1 - z, outShape[1], outShape[2]];
    image.set(resampleImage(part.image, part.shape, partOut, method), z * plane);
    labels.set(resampleLabels(part.labels, part.shape, partOut), z * plane);
  }
  return {
    volume: { image, labels, shape: outShape },
    fileShape,
    voxelNm,
    scale,
    ...(relabelled === undefined ? {} : { relabelled }),
  };
}
