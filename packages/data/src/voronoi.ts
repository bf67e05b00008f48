import type { SeededRng as Rng, Triple } from '@unet3d/core';
import { type WarpField, warpRow } from './warp.js';

/** Lookup bins per seed-grid cube along each axis: finer bins give shorter candidate lists (~11 vs ~25). */
const BINS_PER_CELL = 2;

export interface VoronoiOptions {
  /** Volume extent in voxels (D, H, W) = (z, y, x). */
  shape: Triple;
  /** A z voxel is `anisotropy` times thicker than an x/y voxel. */
  anisotropy: number;
  /** Seed spacing in physical units (in-plane voxels): roughly the cell diameter. */
  cellSize: number;
  /** Optional coordinate warp (physical units); null for a plain Voronoi partition. */
  warp: WarpField | null;
  rng: Rng;
}

export interface VoronoiLabels {
  /** One id per voxel, D×H×W in z, y, x order; ids are 1..cellCount in order of first appearance. */
  labels: Uint32Array;
  cellCount: number;
  /** Seed points (z, y, x per seed, physical units), including those outside the volume. */
  seeds: Float64Array;
}

/**
 * A perturbed Voronoi partition of the volume into touching cells.
 *
 * Seeds: one per cube of a grid of spacing `cellSize` in physical space (z scaled by `anisotropy`), placed
 * uniformly inside its cube (a jittered grid: irregular cells of predictable count and size, unlike a Poisson
 * process which makes many slivers). The grid reaches one cell beyond the volume on every side so border
 * cells are cut off by the volume, not flattened against it.
 *
 * Lookup is exact: space is cut into small bins and, per bin, the candidate seeds are those whose distance to
 * the bin is no more than the smallest farthest-point distance of any seed; only these can be nearest to a
 * point in that bin. Every (warped) voxel then tests its bin's candidates (~11) instead of every seed.
 */
export function voronoiLabels(options: VoronoiOptions): VoronoiLabels {
  const { shape, anisotropy, cellSize: s, warp, rng } = options;
  const [D, H, W] = shape;
  const extent = [D * anisotropy, H, W];
  const origin = -s;
  const g = extent.map((e) => Math.ceil((e + 2 * s) / s)) as unknown as Triple;
  const [gz, gy, gx] = g;
  const nSeeds = gz * gy * gx;
  const seeds = new Float64Array(3 * nSeeds);
  for (let i = 0, bz = 0; bz < gz; bz++) {
    for (let by = 0; by < gy; by++) {
      for (let bx = 0; bx < gx; bx++, i++) {
        seeds[3 * i] = origin + (bz + rng.next()) * s;
        seeds[3 * i + 1] = origin + (by + rng.next()) * s;
        seeds[3 * i + 2] = origin + (bx + rng.next()) * s;
      }
    }
  }
  const { start, list } = candidateLists(seeds, g, origin, s);
  const bs = s / BINS_PER_CELL;
  const [nz, ny, nx] = [gz * BINS_PER_CELL, gy * BINS_PER_CELL, gx * BINS_PER_CELL];

  const raw = new Int32Array(D * H * W);
  const disp = new Float64Array(3 * W);
  const clampBin = (v: number, n: number): number => {
    const b = Math.floor((v - origin) / bs);
    return b < 0 ? 0 : b >= n ? n - 1 : b;
  };
  for (let z = 0; z < D; z++) {
    const pz = (z + 0.5) * anisotropy;
    for (let y = 0; y < H; y++) {
      const py = y + 0.5;
      if (warp) warpRow(warp, pz, py, W, disp);
      const rowBase = (z * H + y) * W;
      for (let x = 0; x < W; x++) {
        const qz = pz + disp[3 * x]!;
        const qy = py + disp[3 * x + 1]!;
        const qx = x + 0.5 + disp[3 * x + 2]!;
        const bin = (clampBin(qz, nz) * ny + clampBin(qy, ny)) * nx + clampBin(qx, nx);
        let best = -1;
        let bestD = Number.POSITIVE_INFINITY;
        for (let c = start[bin]!, end = start[bin + 1]!; c < end; c++) {
          const k = list[c]!;
          const dz = qz - seeds[3 * k]!;
          const dy = qy - seeds[3 * k + 1]!;
          const dx = qx - seeds[3 * k + 2]!;
          const d2 = dz * dz + dy * dy + dx * dx;
          if (d2 < bestD) {
            bestD = d2;
            best = k;
          }
        }
        raw[rowBase + x] = best;
      }
    }
  }

  // Relabel to 1..K in scan order, so ids do not depend on how many margin seeds exist.
  const map = new Int32Array(nSeeds);
  const labels = new Uint32Array(raw.length);
  let cellCount = 0;
  for (let i = 0; i < raw.length; i++) {
    const k = raw[i]!;
    let id = map[k]!;
    if (id === 0) map[k] = id = ++cellCount;
    labels[i] = id;
  }
  return { labels, cellCount, seeds };
}

/**
 * Per lookup bin (a seed-grid cube split BINS_PER_CELL times per axis), the seeds that can be nearest to
 * some point of the bin, in CSR layout. A point lies in some seed-grid cube, whose own seed is ≤ √3·s away;
 * a seed 3 or more cubes away along any axis is ≥ 2s away, so only cubes within ±2 are examined.
 */
function candidateLists(
  seeds: Float64Array,
  g: Triple,
  origin: number,
  s: number,
): { start: Int32Array; list: Int32Array } {
  const [gz, gy, gx] = g;
  const k = BINS_PER_CELL;
  const bs = s / k;
  const start = new Int32Array(gz * gy * gx * k * k * k + 1);
  const list: number[] = [];
  const R = 2;
  const near: number[] = [];
  const dMin2: number[] = [];
  const lo = [0, 0, 0];
  let bin = 0;
  for (let fz = 0; fz < gz * k; fz++) {
    for (let fy = 0; fy < gy * k; fy++) {
      for (let fx = 0; fx < gx * k; fx++, bin++) {
        lo[0] = origin + fz * bs;
        lo[1] = origin + fy * bs;
        lo[2] = origin + fx * bs;
        const cz = Math.floor(fz / k);
        const cy = Math.floor(fy / k);
        const cx = Math.floor(fx / k);
        near.length = 0;
        dMin2.length = 0;
        let bound = Number.POSITIVE_INFINITY;
        for (let nz = Math.max(0, cz - R); nz <= Math.min(gz - 1, cz + R); nz++) {
          for (let ny = Math.max(0, cy - R); ny <= Math.min(gy - 1, cy + R); ny++) {
            for (let nx = Math.max(0, cx - R); nx <= Math.min(gx - 1, cx + R); nx++) {
              const seed = (nz * gy + ny) * gx + nx;
              let dmin = 0;
              let dmax = 0;
              for (let a = 0; a < 3; a++) {
                const p = seeds[3 * seed + a]!;
                const l = lo[a]!;
                const h = l + bs;
                const under = p < l ? l - p : p > h ? p - h : 0;
                const far = Math.max(p - l, h - p);
                dmin += under * under;
                dmax += far * far;
              }
              near.push(seed);
              dMin2.push(dmin);
              if (dmax < bound) bound = dmax;
            }
          }
        }
        for (let j = 0; j < near.length; j++) if (dMin2[j]! <= bound) list.push(near[j]!);
        start[bin + 1] = list.length;
      }
    }
  }
  return { start, list: Int32Array.from(list) };
}
