import type { SeededRng as Rng } from '@unet3d/core';

/**
 * A smooth, low-frequency displacement field d(p) = Σ_t A_t sin(k_t · p + φ_t), one set of terms per output
 * component (z, y, x), in physical units. Adding it to voxel coordinates before the Voronoi lookup bends the
 * otherwise planar cell faces into curved membranes.
 */
export interface WarpField {
  /** Per term, 6 numbers: component (0 z, 1 y, 2 x), kz, ky, kx, phase, amplitude. */
  readonly terms: Float64Array;
  readonly count: number;
}

export interface WarpOptions {
  /** Peak-ish displacement per component in physical units (RMS of the sum is amplitude/√2). */
  amplitude: number;
  /** Wavelength of every term in physical units. */
  wavelength: number;
  /** Sinusoid terms per component. */
  termsPerAxis: number;
}

/** Draw a random warp field: uniform directions on the sphere, random phases. */
export function randomWarp(rng: Rng, options: WarpOptions): WarpField {
  const { amplitude, wavelength, termsPerAxis } = options;
  const count = 3 * termsPerAxis;
  const terms = new Float64Array(6 * count);
  const k = (2 * Math.PI) / wavelength;
  const amp = amplitude / Math.sqrt(termsPerAxis);
  for (let t = 0; t < count; t++) {
    const cz = 2 * rng.next() - 1;
    const phi = 2 * Math.PI * rng.next();
    const r = Math.sqrt(1 - cz * cz);
    terms[6 * t] = t % 3;
    terms[6 * t + 1] = k * cz;
    terms[6 * t + 2] = k * r * Math.sin(phi);
    terms[6 * t + 3] = k * r * Math.cos(phi);
    terms[6 * t + 4] = 2 * Math.PI * rng.next();
    terms[6 * t + 5] = amp;
  }
  return { terms, count };
}

/**
 * Displacements for one row of voxels: out[3·x + c] = d_c at physical point (pz, py, x + 0.5), x ∈ [0, width).
 * Along the row each sinusoid advances by a constant angle, so it is stepped with the angle-addition rotation
 * (sin, cos) → (s·cosΔ + c·sinΔ, c·cosΔ − s·sinΔ) instead of calling Math.sin per voxel.
 */
export function warpRow(field: WarpField, pz: number, py: number, width: number, out: Float64Array): void {
  out.fill(0, 0, 3 * width);
  const t = field.terms;
  for (let i = 0; i < field.count; i++) {
    const comp = t[6 * i]!;
    const kz = t[6 * i + 1]!;
    const ky = t[6 * i + 2]!;
    const kx = t[6 * i + 3]!;
    const amp = t[6 * i + 5]!;
    const theta0 = kz * pz + ky * py + kx * 0.5 + t[6 * i + 4]!;
    let s = Math.sin(theta0);
    let c = Math.cos(theta0);
    const sd = Math.sin(kx);
    const cd = Math.cos(kx);
    for (let x = 0; x < width; x++) {
      const j = 3 * x + comp;
      out[j] = out[j]! + amp * s;
      const s2 = s * cd + c * sd;
      c = c * cd - s * sd;
      s = s2;
    }
  }
}
