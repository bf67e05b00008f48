import { ShapeError, type Triple } from '@unet3d/core';

/**
 * An affinity offset (dz, dy, dx) in voxels: channel value at voxel p says whether p and p + offset belong to
 * the same object. Offsets point backwards (negative), as in Turaga et al. 2010 and Lee et al. 2017, so the
 * nearest-neighbour channel z at p is the edge between p and its lower-z neighbour.
 */
export type AffinityOffset = Triple;

/**
 * The 12 affinity maps used as training targets.
 *
 *   channel  0- 2  nearest neighbour: z −1, y −1, x −1   (the primary task; these make the segmentation)
 *   channel  3- 5  long-range z: −2, −4, −8
 *   channel  6- 8  long-range y: −4, −8, −16
 *   channel  9-11  long-range x: −4, −8, −16
 *
 * Why these: Lee et al. 2017 ("Superhuman accuracy on the SNEMI3D connectomics challenge") trained the
 * nearest-neighbour affinities as the primary task and long-range affinities as an auxiliary one; their code
 * (seung-lab/DeepEM, `get_edges`) uses in-plane distances 4, 8, 12, 16, 32 and z distances 2, 3, 4 on
 * SNEMI3D at 6×6×30 nm (anisotropy 5), 16 maps in all. To get the 12 maps of the paper we reproduce we keep
 * the in-plane octave ladder 4, 8, 16 (dropping 12, which sits between octaves, and 32, which exceeds a
 * cell diameter at our default cell size of 24 and is nearly always 0), and since our z voxel is only
 * 2× thicker we take z distances of half the in-plane ones, 2, 4, 8: the same physical reach in every
 * direction. A long-range offset never changes the network; it only adds output channels and loss terms.
 */
export const AFFINITY_OFFSETS: readonly AffinityOffset[] = [
  [-1, 0, 0],
  [0, -1, 0],
  [0, 0, -1],
  [-2, 0, 0],
  [-4, 0, 0],
  [-8, 0, 0],
  [0, -4, 0],
  [0, -8, 0],
  [0, -16, 0],
  [0, 0, -4],
  [0, 0, -8],
  [0, 0, -16],
];

/** Channels of AFFINITY_OFFSETS holding the nearest-neighbour (z, y, x) affinities. */
export const nearestNeighbourChannels: readonly [number, number, number] = [0, 1, 2];

/** The largest |offset| per axis (z, y, x): the context a patch needs around it for fully valid targets. */
export function offsetReach(offsets: readonly AffinityOffset[] = AFFINITY_OFFSETS): Triple {
  const r = [0, 0, 0];
  for (const o of offsets) for (let a = 0; a < 3; a++) r[a] = Math.max(r[a]!, Math.abs(o[a]!));
  return [r[0]!, r[1]!, r[2]!];
}

export interface AffinityTargets {
  /** C×D×H×W (C = offsets.length): 1 where voxel and partner share a non-zero label, else 0. */
  target: Float32Array;
  /** C×D×H×W: 1 where the partner lies inside the label volume, else 0. */
  mask: Float32Array;
}

/**
 * Affinity targets for the whole label volume. See `affinitiesInRegion`.
 */
export function affinities(
  labels: Uint32Array,
  shape: Triple,
  offsets: readonly AffinityOffset[] = AFFINITY_OFFSETS,
): AffinityTargets {
  return affinitiesInRegion(labels, shape, offsets, [0, 0, 0], shape);
}

/**
 * Affinity targets for the box [origin, origin + size) of a label volume, looking partners up in the whole
 * volume (so a patch's long-range targets are valid up to its border when the volume has context around it).
 *
 * Target: 1 where both voxels carry the same label and that label is not 0, else 0. Label 0 is the
 * membrane/boundary label: it is connected to nothing, including other 0 voxels.
 * Mask: 1 where the partner lies inside the volume, 0 where it falls outside. Pairs touching label 0 are NOT
 * masked: with membranes labelled 0 and ≥ 1 voxel thick, no nearest-neighbour pair ever joins two different
 * cells directly, so masking background would remove every negative example; the dark membrane voxels are
 * exactly where the network must learn to predict 0.
 */
export function affinitiesInRegion(
  labels: Uint32Array,
  shape: Triple,
  offsets: readonly AffinityOffset[],
  origin: Triple,
  size: Triple,
): AffinityTargets {
  const [D, H, W] = shape;
  if (labels.length !== D * H * W) {
    throw new ShapeError(`labels has ${labels.length} voxels, shape [${shape.join(',')}] needs ${D * H * W}`);
  }
  for (let a = 0; a < 3; a++) {
    if (origin[a]! < 0 || size[a]! <= 0 || origin[a]! + size[a]! > shape[a]!) {
      throw new ShapeError(
        `region origin [${origin.join(',')}] size [${size.join(',')}] is not inside the volume [${shape.join(',')}]`,
      );
    }
  }
  const [sd, sh, sw] = size;
  const [oz, oy, ox] = origin;
  const plane = sd * sh * sw;
  const target = new Float32Array(offsets.length * plane);
  const mask = new Float32Array(offsets.length * plane);
  offsets.forEach(([dz, dy, dx], c) => {
    const delta = (dz * H + dy) * W + dx;
    let o = c * plane;
    for (let z = oz; z < oz + sd; z++) {
      const zin = z + dz >= 0 && z + dz < D;
      for (let y = oy; y < oy + sh; y++) {
        const yin = zin && y + dy >= 0 && y + dy < H;
        const row = (z * H + y) * W;
        for (let x = ox; x < ox + sw; x++, o++) {
          if (!yin || x + dx < 0 || x + dx >= W) continue;
          mask[o] = 1;
          const l = labels[row + x]!;
          if (l !== 0 && l === labels[row + x + delta]) target[o] = 1;
        }
      }
    }
  });
  return { target, mask };
}
