import type { Triple } from '@unet3d/core';
import type { LabelledVolume } from '../patch.js';
import { type AnisotropyMode, anisotropyRescale, rescaledShape } from './anisotropy.js';
import { type ImageInterpolation, resampleImage, resampleLabels } from './resample.js';

export interface RescaleOptions {
  mode?: AnisotropyMode;
  /** Image filter; default `area` (the anti-aliasing choice when downsampling). Labels are always nearest. */
  image?: ImageInterpolation;
}

export interface RescaledVolume {
  volume: LabelledVolume;
  /** Voxel size after rescaling, (z, y, x) nm. */
  voxelNm: Triple;
  /** Output size / input size per axis. */
  scale: Triple;
}

/**
 * Bring an image + label volume of voxel size `voxelNm` (z, y, x nm) to anisotropy `target` (the paper's
 * protocol step 1, see AnisotropyMode for which axis is resampled and why): image by `area` (default) or
 * `linear`, labels by nearest neighbour, both to the same shape.
 */
export function rescaleToAnisotropy(
  volume: LabelledVolume,
  voxelNm: Triple,
  target: number,
  options: RescaleOptions = {},
): RescaledVolume {
  const { scale, voxelNm: outNm } = anisotropyRescale(voxelNm, target, options.mode);
  const outShape = rescaledShape(volume.shape, scale);
  return {
    volume: {
      image: resampleImage(volume.image, volume.shape, outShape, options.image ?? 'area'),
      labels: resampleLabels(volume.labels, volume.shape, outShape),
      shape: outShape,
    },
    voxelNm: outNm,
    scale,
  };
}
