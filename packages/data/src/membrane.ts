import type { Triple } from '@unet3d/core';

/**
 * Marks membrane voxels: wherever two face-adjacent voxels along an axis carry different labels, a band of
 * `width` voxels centred on that interface is marked (for width 2: both voxels of the pair; for width 1: the
 * lower-index one; width 0 marks nothing along that axis). `width` is (z, y, x) so the caller can make the z
 * band thinner in voxels when z voxels are thicker (same physical thickness).
 * Returns a D×H×W Uint8Array, 1 = membrane.
 */
export function membraneMask(labels: Uint32Array, shape: Triple, width: Triple): Uint8Array {
  const [D, H, W] = shape;
  const mask = new Uint8Array(labels.length);
  const strides: Triple = [H * W, W, 1];
  for (let axis = 0; axis < 3; axis++) {
    const w = width[axis]!;
    if (w <= 0) continue;
    const n = shape[axis]!;
    const stride = strides[axis]!;
    const before = Math.ceil(w / 2) - 1; // voxels marked below the interface besides i itself
    const after = Math.floor(w / 2); // voxels marked above it
    for (let z = 0; z < D; z++) {
      for (let y = 0; y < H; y++) {
        for (let x = 0; x < W; x++) {
          const pos = axis === 0 ? z : axis === 1 ? y : x;
          if (pos + 1 >= n) continue;
          const i = (z * H + y) * W + x;
          if (labels[i] === labels[i + stride]) continue;
          const from = Math.max(0, pos - before);
          const to = Math.min(n - 1, pos + after);
          for (let p = from; p <= to; p++) mask[i + (p - pos) * stride] = 1;
        }
      }
    }
  }
  return mask;
}
