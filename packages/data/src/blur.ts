import type { Triple } from '@unet3d/core';

/** Normalised 1-D Gaussian taps for sigma (radius ⌈3σ⌉). */
export function gaussianKernel(sigma: number): Float64Array {
  const r = Math.max(1, Math.ceil(3 * sigma));
  const k = new Float64Array(2 * r + 1);
  let sum = 0;
  for (let i = -r; i <= r; i++) sum += k[i + r] = Math.exp(-(i * i) / (2 * sigma * sigma));
  for (let i = 0; i < k.length; i++) k[i] = k[i]! / sum;
  return k;
}

/**
 * Separable anisotropic Gaussian blur of a D×H×W volume, sigma per axis (z, y, x) in voxels; an axis with
 * sigma ≤ 0 is left alone. Edges replicate the border voxel. Returns a new array.
 */
export function gaussianBlur3d(data: Float32Array, shape: Triple, sigma: Triple): Float32Array {
  let src = Float32Array.from(data);
  let dst = new Float32Array(data.length);
  const strides: Triple = [shape[1] * shape[2], shape[2], 1];
  for (let axis = 0; axis < 3; axis++) {
    const sg = sigma[axis]!;
    if (!(sg > 0)) continue;
    blurAxis(src, dst, shape, strides, axis, gaussianKernel(sg));
    [src, dst] = [dst, src];
  }
  return src;
}

function blurAxis(
  src: Float32Array,
  dst: Float32Array,
  shape: Triple,
  strides: Triple,
  axis: number,
  kernel: Float64Array,
): void {
  const n = shape[axis]!;
  const stride = strides[axis]!;
  const r = (kernel.length - 1) / 2;
  // The two other axes enumerate the lines along `axis`.
  const [a1, a2] = axis === 0 ? [1, 2] : axis === 1 ? [0, 2] : [0, 1];
  const n1 = shape[a1]!;
  const n2 = shape[a2]!;
  const s1 = strides[a1]!;
  const s2 = strides[a2]!;
  // Line buffer padded by r replicated border values on each side: the inner loop needs no clamping.
  const line = new Float64Array(n + 2 * r);
  for (let i1 = 0; i1 < n1; i1++) {
    for (let i2 = 0; i2 < n2; i2++) {
      const base = i1 * s1 + i2 * s2;
      for (let i = 0; i < n; i++) line[r + i] = src[base + i * stride]!;
      const first = line[r]!;
      const last = line[r + n - 1]!;
      for (let i = 0; i < r; i++) {
        line[i] = first;
        line[r + n + i] = last;
      }
      for (let i = 0; i < n; i++) {
        let acc = 0;
        for (let t = 0; t < kernel.length; t++) acc += kernel[t]! * line[i + t]!;
        dst[base + i * stride] = acc;
      }
    }
  }
}
