import { ConfigError, type Triple } from '@unet3d/core';

/**
 * SNEMI3D's voxel size (z, y, x) in nm: 6 × 6 nm pixels, ~30 nm sections (Kasthuri et al. 2015; the
 * challenge page gives 6×6×29 nm, most papers round to 30). Anisotropy = z / xy = 5.
 */
export const SNEMI3D_VOXEL_NM: Triple = [30, 6, 6];

/**
 * How a volume is brought to a target anisotropy (z voxel size / xy voxel size).
 *
 * - `downsample-xy` (default): keep the sections, coarsen the pixels to z / target nm. SNEMI3D at 6×6×30 nm
 *   → anisotropy 2 gives 15×15×30 nm voxels, 1024² → 410² pixels per section (scale 0.4), 100 sections.
 * - `upsample-z`: keep the pixels, interpolate sections at xy · target nm. SNEMI3D → 6×6×12 nm,
 *   100 → 250 sections.
 *
 * What the paper means. Zhuang et al. §4.1: "We used the SNEMI3D dataset and rescaled it to an anisotropy
 * factor of 2 in order to match the target anisotropy allowed by our own imaging equipment." It does not
 * say which axis. We take `downsample-xy` because (1) it is the only direction that does not invent data:
 * a 30 nm section is a physical cut, and interpolating between sections blends cross-sections of neurites
 * that moved between cuts, with nearest-neighbour labels copied across 30 nm (labels there would be made up);
 * (2) it is how connectomics pipelines change resolution (xy "mip" pyramids of serial-section EM, where z is
 * fixed by the cutting); (3) it matches the paper's network change (§2.1): Lee et al.'s U-Net pools only in
 * xy (1×2×2) because of SNEMI3D's anisotropy 5; at anisotropy 2 one 1×2×2 pooling makes the voxels
 * isotropic, after which the lower layers can pool in 3-D, exactly the change the paper describes.
 * `upsample-z` is offered for the other reading.
 */
export type AnisotropyMode = 'downsample-xy' | 'upsample-z';

export interface AnisotropyRescale {
  /** Output size / input size per axis (z, y, x). */
  scale: Triple;
  /** Voxel size after rescaling (z, y, x) in nm. */
  voxelNm: Triple;
}

/**
 * The per-axis scale that brings voxels of `voxelNm` (z, y, x; y = x) to anisotropy `target` (z / xy).
 * Throws ConfigError for non-square pixels, a non-positive size or target, or a rescale that would upsample
 * in `downsample-xy` mode (the target is above the data's anisotropy: use `upsample-z`... or the other way).
 */
export function anisotropyRescale(
  voxelNm: Triple,
  target: number,
  mode: AnisotropyMode = 'downsample-xy',
): AnisotropyRescale {
  const [vz, vy, vx] = voxelNm;
  if (!(vz > 0 && vy > 0 && vx > 0))
    throw new ConfigError(`voxel size must be positive, got [${voxelNm.join(',')}] nm`);
  if (vy !== vx)
    throw new ConfigError(`pixels must be square to rescale anisotropy, got y ${vy} nm, x ${vx} nm`);
  if (!(target > 0) || !Number.isFinite(target)) {
    throw new ConfigError(`anisotropy must be a positive number, got ${target}`, 'e.g. --anisotropy 2');
  }
  const current = vz / vx;
  if (mode === 'downsample-xy') {
    const xy = vz / target;
    if (xy < vx) {
      throw new ConfigError(
        `anisotropy ${target} is above the data's ${current}: downsampling xy cannot reach it`,
        'use mode upsample-z, or a target ≤ the data anisotropy',
      );
    }
    return { scale: [1, vx / xy, vx / xy], voxelNm: [vz, xy, xy] };
  }
  const z = vx * target;
  if (z > vz) {
    throw new ConfigError(
      `anisotropy ${target} is above the data's ${current}: upsampling z cannot reach it`,
      'use mode downsample-xy',
    );
  }
  return { scale: [vz / z, 1, 1], voxelNm: [z, vx, vx] };
}

/** Output shape for `scale` (rounded to the nearest voxel, at least 1). */
export function rescaledShape(shape: Triple, scale: Triple): Triple {
  return [0, 1, 2].map((a) => Math.max(1, Math.round(shape[a]! * scale[a]!))) as unknown as Triple;
}
