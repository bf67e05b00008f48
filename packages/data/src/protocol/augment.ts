import type { SeededRng as Rng } from '@unet3d/core';
import { ShapeError, type Triple } from '@unet3d/core';

/**
 * One draw of the EM augmentations, applied identically to an image crop and its labels (affinity targets
 * are then computed from the transformed labels, so backward offsets stay backward):
 *
 * - flips of z, y and x (each with probability ½): serial-section EM has no preferred direction along any
 *   axis, and a flip keeps the voxel grid, so anisotropy is untouched;
 * - transposing y and x (probability ½, only for square crops): with the two xy flips this gives all eight
 *   symmetries of the square, i.e. the 90° rotations in xy, valid because pixels are square;
 * - no rotation involving z and no arbitrary angles: z voxels are 2× (SNEMI3D: 5×) thicker than xy ones, so
 *   swapping z with y or x would change the physical geometry, and non-right angles would resample labels;
 * - grayscale jitter of the image only, per crop, as pytorch_connectomics' `Grayscale` augmentor in 3-D mode
 *   (contrast ×(1 + U(−½, ½)·0.3), brightness + U(−½, ½)·0.3, clip to [0, 1], gamma 2^U(−1, 1)): staining and
 *   imaging brightness vary between sections and datasets.
 *
 * Not included (for speed of a CPU reproduction; the usual EM extras): elastic warps, mis-alignment,
 * missing sections, blur.
 */
export interface EmAugmentation {
  flip: [boolean, boolean, boolean];
  transposeXY: boolean;
  contrast: number;
  brightness: number;
  gamma: number;
}

export interface AugmentOptions {
  /** Draw flips and the xy transpose (default true). */
  geometric?: boolean;
  /** Draw grayscale jitter (default true); when false contrast = 1, brightness = 0, gamma = 1. */
  intensity?: boolean;
}

/** Draw one augmentation from `rng` (always the same number of draws, whatever the options). */
export function drawEmAugmentation(rng: Rng, square: boolean, options: AugmentOptions = {}): EmAugmentation {
  const u = Array.from({ length: 7 }, () => rng.next());
  const geo = options.geometric ?? true;
  const inten = options.intensity ?? true;
  return {
    flip: [geo && u[0]! < 0.5, geo && u[1]! < 0.5, geo && u[2]! < 0.5],
    transposeXY: geo && square && u[3]! < 0.5,
    contrast: inten ? 1 + (u[4]! - 0.5) * 0.3 : 1,
    brightness: inten ? (u[5]! - 0.5) * 0.3 : 0,
    gamma: inten ? 2 ** (u[6]! * 2 - 1) : 1,
  };
}

/**
 * Apply `aug`'s geometric part to a (z, y, x) C-order volume (image or labels): output voxel (z, y, x) takes
 * input voxel (z', y', x') with flips applied first, then the transpose. Shape is unchanged (transpose needs
 * H = W).
 */
export function applyGeometric<T extends Float32Array | Uint32Array>(
  data: T,
  shape: Triple,
  aug: EmAugmentation,
): T {
  const [D, H, W] = shape;
  if (aug.transposeXY && H !== W)
    throw new ShapeError(`transposing y and x needs a square crop, got ${H}×${W}`);
  const out = new (data.constructor as new (n: number) => T)(data.length);
  const [fz, fy, fx] = aug.flip;
  let o = 0;
  for (let z = 0; z < D; z++) {
    const sz = fz ? D - 1 - z : z;
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++, o++) {
        let yy = aug.transposeXY ? x : y;
        let xx = aug.transposeXY ? y : x;
        if (fy) yy = H - 1 - yy;
        if (fx) xx = W - 1 - xx;
        out[o] = data[(sz * H + yy) * W + xx]!;
      }
    }
  }
  return out;
}

/** Apply `aug`'s grayscale jitter to an image in [0, 1] (new array). */
export function applyIntensity(image: Float32Array, aug: EmAugmentation): Float32Array {
  const out = new Float32Array(image.length);
  for (let i = 0; i < image.length; i++) {
    const v = Math.min(1, Math.max(0, image[i]! * aug.contrast + aug.brightness));
    out[i] = v ** aug.gamma;
  }
  return out;
}
