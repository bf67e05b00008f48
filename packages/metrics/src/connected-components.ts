import { ShapeError, type Triple } from '@unet3d/core';
import { nearestNeighbourChannels } from '@unet3d/data';

export interface ComponentsOptions {
  /** An edge joins its two voxels when its affinity is > threshold; default 0.5. */
  threshold?: number;
  /** Channels of the z, y, x nearest-neighbour affinities (offsets −1 on that axis); default [0, 1, 2]. */
  channels?: readonly [number, number, number];
  /**
   * Give label 0 to voxels with no edge above threshold (isolated voxels, typically membrane) instead of a
   * singleton id each. Default false. Note the adapted Rand error's special handling of predicted 0.
   */
  isolatedAsBackground?: boolean;
}

/** Find with path halving. */
function find(parent: Int32Array, i: number): number {
  while (parent[i] !== i) {
    parent[i] = parent[parent[i]!]!;
    i = parent[i]!;
  }
  return i;
}

/**
 * Segment a volume from its nearest-neighbour affinities: connected components under 6-connectivity, where
 * voxels p and p − ê_axis are joined when affinity[channel(axis)][p] > threshold (the backward-offset
 * convention of `@unet3d/data`'s AFFINITY_OFFSETS). Union-find with union by size and path halving,
 * O(V·α(V)). This is the simplest segmentation used on affinity networks (Turaga et al. 2010; Lee et al. 2017
 * report it as the baseline before watershed/agglomeration).
 *
 * Input: `affinities` C×D×H×W (C ≥ 3, one item; take a batch item's slice for NCDHW), `shape` = (D, H, W).
 * Output: D×H×W ids 1..K numbered in raster order of each component's first voxel (0 only for isolated voxels
 * with `isolatedAsBackground`).
 */
export function connectedComponents(
  affinities: Float32Array,
  shape: Triple,
  options: ComponentsOptions = {},
): Uint32Array {
  const threshold = options.threshold ?? 0.5;
  const [cz, cy, cx] = options.channels ?? nearestNeighbourChannels;
  const [D, H, W] = shape;
  const V = D * H * W;
  if (V === 0 || affinities.length % V !== 0) {
    throw new ShapeError(
      `affinities have ${affinities.length} values, not a multiple of shape [${shape.join(',')}]`,
    );
  }
  const C = affinities.length / V;
  if (Math.max(cz, cy, cx) >= C)
    throw new ShapeError(`channels [${cz},${cy},${cx}] need ≥ ${Math.max(cz, cy, cx) + 1} maps, got ${C}`);
  const parent = new Int32Array(V);
  const size = new Int32Array(V).fill(1);
  const linked = new Uint8Array(V);
  for (let i = 0; i < V; i++) parent[i] = i;
  const union = (a: number, b: number) => {
    linked[a] = 1;
    linked[b] = 1;
    let ra = find(parent, a);
    let rb = find(parent, b);
    if (ra === rb) return;
    if (size[ra]! < size[rb]!) [ra, rb] = [rb, ra];
    parent[rb] = ra;
    size[ra]! += size[rb]!;
  };
  const HW = H * W;
  for (let z = 0, p = 0; z < D; z++) {
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++, p++) {
        if (z > 0 && affinities[cz * V + p]! > threshold) union(p, p - HW);
        if (y > 0 && affinities[cy * V + p]! > threshold) union(p, p - W);
        if (x > 0 && affinities[cx * V + p]! > threshold) union(p, p - 1);
      }
    }
  }
  const out = new Uint32Array(V);
  const idOfRoot = new Uint32Array(V);
  let next = 0;
  for (let p = 0; p < V; p++) {
    if (options.isolatedAsBackground && !linked[p]) continue;
    const r = find(parent, p);
    if (idOfRoot[r] === 0) idOfRoot[r] = ++next;
    out[p] = idOfRoot[r]!;
  }
  return out;
}
