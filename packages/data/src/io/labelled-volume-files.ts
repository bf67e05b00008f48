import { join } from 'node:path';
import { makeDirectory } from '@unet3d/core';
import type { LabelledVolume } from '../patch.js';
import { writeHdf5Volumes } from './hdf5-writer.js';
import { writeTiffStack } from './tiff-writer.js';

/** Volume arguments (see parseVolumeSource) of an image + labels pair written in both formats. */
export interface LabelledVolumeFiles {
  tiff: { image: string; labels: string };
  hdf5: { image: string; labels: string };
}

/** Float intensities in [0, 1] to uint8, as EM is stored: round(clip(v, 0, 1) · 255). */
export function imageToUint8(image: Float32Array): Uint8Array {
  const out = new Uint8Array(image.length);
  for (let i = 0; i < image.length; i++) out[i] = Math.round(Math.min(1, Math.max(0, image[i]!)) * 255);
  return out;
}

/**
 * Write an image + label volume (e.g. a synthetic one, for the reduced protocol) the way EM data comes:
 * `<name>-image.tif` (uint8) + `<name>-labels.tif` (uint32), and `<name>.h5` with `/volumes/raw` (uint8) and
 * `/volumes/labels/neuron_ids` (uint32, gzip), CREMI's dataset names. Creates `dir`. Every file is written
 * atomically. Returns the volume arguments for readLabelledVolume.
 */
export async function writeLabelledVolumeFiles(
  dir: string,
  volume: LabelledVolume,
  name = 'volume',
): Promise<LabelledVolumeFiles> {
  await makeDirectory(dir);
  const image = imageToUint8(volume.image);
  const tiff = { image: join(dir, `${name}-image.tif`), labels: join(dir, `${name}-labels.tif`) };
  await writeTiffStack(tiff.image, image, volume.shape);
  await writeTiffStack(tiff.labels, volume.labels, volume.shape);
  const h5 = join(dir, `${name}.h5`);
  await writeHdf5Volumes(h5, [
    { name: '/volumes/raw', data: image, shape: volume.shape },
    { name: '/volumes/labels/neuron_ids', data: volume.labels, shape: volume.shape, gzip: 4 },
  ]);
  return { tiff, hdf5: { image: `${h5}:/volumes/raw`, labels: `${h5}:/volumes/labels/neuron_ids` } };
}
