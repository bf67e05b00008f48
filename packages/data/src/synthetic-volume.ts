import { ConfigError, createRng, mixSeed, ShapeError, type Triple } from '@unet3d/core';
import { gaussianBlur3d } from './blur.js';
import { membraneMask } from './membrane.js';
import { addGaussianNoise, renderImage, standardize } from './render-image.js';
import { voronoiLabels } from './voronoi.js';
import { randomWarp } from './warp.js';

export interface SyntheticVolumeOptions {
  /** (D, H, W) = (z, y, x) in voxels. */
  shape: readonly [number, number, number];
  /** Integer seed; the same options and seed give bit-identical arrays. */
  seed: number;
  /** Cell spacing (≈ diameter) in physical units of one in-plane voxel. Default 24. */
  cellSize?: number;
  /** A z voxel is this many times thicker than an x/y voxel. Default 2, the setting this project targets
   *  (raw SNEMI3D at 6×6×30 nm would be 5). */
  anisotropy?: number;
  /** Membrane thickness in in-plane voxels (integer ≥ 0). Along z it is max(1, round(w / anisotropy)) voxels,
   *  the same physical thickness. Default 2. */
  membraneWidth?: number;
  /** Gaussian blur sigma in in-plane voxels; along z it is blurSigma / anisotropy. 0 = no blur. Default 1. */
  blurSigma?: number;
  /** Std of additive Gaussian noise, relative to the membrane–cytoplasm contrast of 0.6 before
   *  normalisation. Default 0.1. */
  noise?: number;
  /** Warp amplitude as a fraction of cellSize (0 = planar Voronoi faces, at most 0.5). Default 0.25. */
  warp?: number;
}

export type ResolvedSyntheticVolumeOptions = Required<Omit<SyntheticVolumeOptions, 'shape'>> & {
  shape: Triple;
};

export interface SyntheticVolume {
  /** D×H×W, zero mean and unit std. */
  image: Float32Array;
  /**
   * D×H×W cell ids. Membrane voxels carry label 0 (boundary), every other voxel the id (1..cellCount) of its
   * cell. Label 0 makes the affinity targets 0 exactly where the image is dark, as in boundary-labelled EM
   * ground truth; `affinities` treats 0 as "connected to nothing".
   */
  labels: Uint32Array;
  shape: Triple;
  /** Cells in the partition (ids 1..cellCount; a very thin one may have been erased by its membranes). */
  cellCount: number;
  /** Every option with defaults filled in, for provenance. */
  params: ResolvedSyntheticVolumeOptions;
}

export const SYNTHETIC_DEFAULTS = {
  cellSize: 24,
  anisotropy: 2,
  membraneWidth: 2,
  blurSigma: 1,
  noise: 0.1,
  warp: 0.25,
} as const;

/** Validate and fill in defaults. Throws ShapeError / ConfigError with a one-line reason. */
export function resolveSyntheticOptions(options: SyntheticVolumeOptions): ResolvedSyntheticVolumeOptions {
  const shape = options.shape;
  if (shape.length !== 3 || shape.some((v) => !Number.isInteger(v) || v <= 0)) {
    throw new ShapeError(`volume shape must be three positive integers (D,H,W), got [${shape.join(',')}]`);
  }
  const d = SYNTHETIC_DEFAULTS;
  const r: ResolvedSyntheticVolumeOptions = {
    shape: [shape[0], shape[1], shape[2]],
    seed: options.seed,
    cellSize: options.cellSize ?? d.cellSize,
    anisotropy: options.anisotropy ?? d.anisotropy,
    membraneWidth: options.membraneWidth ?? d.membraneWidth,
    blurSigma: options.blurSigma ?? d.blurSigma,
    noise: options.noise ?? d.noise,
    warp: options.warp ?? d.warp,
  };
  const check = (ok: boolean, what: string, value: number): void => {
    if (!ok) throw new ConfigError(`synthetic volume: ${what}, got ${value}`);
  };
  check(Number.isInteger(r.seed), 'seed must be an integer', r.seed);
  check(Number.isFinite(r.cellSize) && r.cellSize >= 2, 'cellSize must be ≥ 2', r.cellSize);
  check(Number.isFinite(r.anisotropy) && r.anisotropy > 0, 'anisotropy must be > 0', r.anisotropy);
  check(
    Number.isInteger(r.membraneWidth) && r.membraneWidth >= 0,
    'membraneWidth must be an integer ≥ 0',
    r.membraneWidth,
  );
  check(Number.isFinite(r.blurSigma) && r.blurSigma >= 0, 'blurSigma must be ≥ 0', r.blurSigma);
  check(Number.isFinite(r.noise) && r.noise >= 0, 'noise must be ≥ 0', r.noise);
  check(Number.isFinite(r.warp) && r.warp >= 0 && r.warp <= 0.5, 'warp must be in [0, 0.5]', r.warp);
  return r;
}

/**
 * A seeded EM-like volume with its ground truth: a warped, anisotropic Voronoi partition into touching cells
 * (labels), rendered as bright textured cytoplasm with dark membranes, blurred anisotropically, with additive
 * Gaussian noise, standardised. Geometry and image draw from separate sub-streams of the seed, so changing
 * only noise/blur/texture options keeps the labels identical.
 */
export function generateSyntheticVolume(options: SyntheticVolumeOptions): SyntheticVolume {
  const p = resolveSyntheticOptions(options);
  const { shape, anisotropy: a, cellSize } = p;
  const geometryRng = createRng(mixSeed(p.seed >>> 0, 1));
  const imageRng = createRng(mixSeed(p.seed >>> 0, 2));

  const warp =
    p.warp > 0
      ? randomWarp(geometryRng, { amplitude: p.warp * cellSize, wavelength: 2.5 * cellSize, termsPerAxis: 2 })
      : null;
  const { labels: cells, cellCount } = voronoiLabels({
    shape,
    anisotropy: a,
    cellSize,
    warp,
    rng: geometryRng,
  });

  const w = p.membraneWidth;
  const membrane = membraneMask(cells, shape, [w > 0 ? Math.max(1, Math.round(w / a)) : 0, w, w]);
  const image = renderImage(cells, cellCount, membrane, imageRng);
  const blurred =
    p.blurSigma > 0 ? gaussianBlur3d(image, shape, [p.blurSigma / a, p.blurSigma, p.blurSigma]) : image;
  addGaussianNoise(blurred, p.noise, imageRng);
  standardize(blurred);

  const labels = cells; // reuse: carve membranes out as label 0
  for (let i = 0; i < labels.length; i++) if (membrane[i]) labels[i] = 0;
  return { image: blurred, labels, shape, cellCount, params: p };
}
