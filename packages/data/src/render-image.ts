import type { SeededRng as Rng } from '@unet3d/core';

export interface RenderOptions {
  /** Mean cytoplasm intensity (before normalisation); each cell's mean is drawn around it. */
  cytoplasm: number;
  /** Standard deviation of the per-cell mean intensity. */
  cellContrast: number;
  /** Per-voxel texture std inside cells; each cell scales it by a factor drawn in [0.5, 1.5). */
  texture: number;
  /** Intensity of membrane voxels (dark). */
  membrane: number;
}

export const DEFAULT_RENDER: RenderOptions = {
  cytoplasm: 0.75,
  cellContrast: 0.06,
  texture: 0.08,
  membrane: 0.15,
};

/**
 * Paint the un-blurred EM-like image: bright-ish cytoplasm whose mean and speckle strength vary per cell
 * (the speckle becomes a fine grainy texture after blurring), dark membranes where `membrane` is 1.
 * `cells` are the dense cell ids (1..cellCount), before membranes were carved out.
 */
export function renderImage(
  cells: Uint32Array,
  cellCount: number,
  membrane: Uint8Array,
  rng: Rng,
  options: RenderOptions = DEFAULT_RENDER,
): Float32Array {
  const mean = new Float64Array(cellCount + 1);
  const grain = new Float64Array(cellCount + 1);
  for (let c = 1; c <= cellCount; c++) {
    mean[c] = options.cytoplasm + options.cellContrast * rng.normal();
    grain[c] = options.texture * (0.5 + rng.next());
  }
  const image = new Float32Array(cells.length);
  for (let i = 0; i < cells.length; i++) {
    if (membrane[i]) {
      image[i] = options.membrane;
    } else {
      const c = cells[i]!;
      image[i] = mean[c]! + grain[c]! * rng.normal();
    }
  }
  return image;
}

/** In place: x += std·N(0, 1) per voxel. */
export function addGaussianNoise(image: Float32Array, std: number, rng: Rng): void {
  if (!(std > 0)) return;
  for (let i = 0; i < image.length; i++) image[i] = image[i]! + std * rng.normal();
}

/** In place: shift and scale to zero mean, unit (population) standard deviation; float64 sums. */
export function standardize(image: Float32Array): void {
  const n = image.length;
  if (n === 0) return;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += image[i]!;
  const mean = sum / n;
  let ss = 0;
  for (let i = 0; i < n; i++) {
    const d = image[i]! - mean;
    ss += d * d;
  }
  const std = Math.sqrt(ss / n);
  const inv = std > 0 ? 1 / std : 1;
  for (let i = 0; i < n; i++) image[i] = (image[i]! - mean) * inv;
}
