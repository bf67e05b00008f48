import { ConfigError, type Triple } from '@unet3d/core';
import type { LabelledVolume } from '../patch.js';

export type Axis = 'z' | 'y' | 'x';

/** A train/validation split: the first `fraction` of the volume along `axis` trains, the rest validates. */
export interface VolumeSplit {
  axis: Axis;
  /** In (0, 1). */
  fraction: number;
}

/** The paper's split (§4.1): "along its x axis, … 80% … as training data with the remaining 20% … validation". */
export const PAPER_SPLIT: VolumeSplit = { axis: 'x', fraction: 0.8 };

/** Parse `x:0.8` (axis z, y or x; fraction strictly between 0 and 1). Throws ConfigError otherwise. */
export function parseSplit(spec: string): VolumeSplit {
  const m = /^\s*([zyx])\s*:\s*([0-9]*\.?[0-9]+)\s*$/i.exec(spec);
  const fraction = m ? Number(m[2]) : Number.NaN;
  if (!m || !(fraction > 0 && fraction < 1)) {
    throw new ConfigError(
      `bad split '${spec}'`,
      'write AXIS:FRACTION with axis z, y or x and 0 < fraction < 1, e.g. x:0.8',
    );
  }
  return { axis: m[1]!.toLowerCase() as Axis, fraction };
}

const AXIS_INDEX: Record<Axis, number> = { z: 0, y: 1, x: 2 };

/** Copy the box [origin, origin + size) of a (z, y, x) volume. */
export function cropVolume(volume: LabelledVolume, origin: Triple, size: Triple): LabelledVolume {
  const [, H, W] = volume.shape;
  const [sd, sh, sw] = size;
  const image = new Float32Array(sd * sh * sw);
  const labels = new Uint32Array(sd * sh * sw);
  for (let z = 0; z < sd; z++) {
    for (let y = 0; y < sh; y++) {
      const src = ((origin[0] + z) * H + origin[1] + y) * W + origin[2];
      const dst = (z * sh + y) * sw;
      image.set(volume.image.subarray(src, src + sw), dst);
      labels.set(volume.labels.subarray(src, src + sw), dst);
    }
  }
  return { image, labels, shape: [sd, sh, sw] };
}

/**
 * Split a volume in two along `split.axis` at round(fraction · size): [0, cut) trains, [cut, size) validates.
 * Each part is its own volume, so its affinity targets are computed inside it: an edge across the cut has
 * its partner outside the part, is masked out, and no label information crosses from training to validation.
 * Throws ConfigError when a part would be empty.
 */
export function splitVolume(
  volume: LabelledVolume,
  split: VolumeSplit,
): { train: LabelledVolume; validation: LabelledVolume; cut: number } {
  const a = AXIS_INDEX[split.axis];
  const n = volume.shape[a]!;
  const cut = Math.round(split.fraction * n);
  if (cut < 1 || cut > n - 1) {
    throw new ConfigError(
      `split ${split.axis}:${split.fraction} of ${n} voxels leaves a part empty`,
      'use a fraction that keeps ≥ 1 voxel each side',
    );
  }
  const trainSize = [...volume.shape];
  trainSize[a] = cut;
  const valSize = [...volume.shape];
  valSize[a] = n - cut;
  const valOrigin = [0, 0, 0];
  valOrigin[a] = cut;
  return {
    train: cropVolume(volume, [0, 0, 0], trainSize as unknown as Triple),
    validation: cropVolume(volume, valOrigin as unknown as Triple, valSize as unknown as Triple),
    cut,
  };
}
