import { numel, type Shape5D, ShapeError } from '@unet3d/core';

/**
 * Voxel accuracy of affinities thresholded at 0.5 (σ(logit) > 0.5 ⇔ logit > 0), over the masked voxels of
 * the given channels (default the nearest-neighbour channels 0, 1, 2). Arrays are N×C×D×H×W of `shape`.
 */
export function affinityAccuracy(
  logits: ArrayLike<number>,
  target: ArrayLike<number>,
  mask: ArrayLike<number>,
  shape: Shape5D,
  channels: readonly number[] = [0, 1, 2],
): { accuracy: number; counted: number } {
  const total = numel(shape);
  if (logits.length !== total || target.length !== total || mask.length !== total) {
    throw new ShapeError(
      `affinityAccuracy: logits ${logits.length}, target ${target.length}, mask ${mask.length} values; expected ${total}`,
    );
  }
  const [n, c] = shape;
  const s = total / (n * c);
  let right = 0;
  let counted = 0;
  for (let item = 0; item < n; item++) {
    for (const ch of channels) {
      if (ch < 0 || ch >= c) throw new ShapeError(`affinityAccuracy: channel ${ch} outside 0..${c - 1}`);
      const base = (item * c + ch) * s;
      for (let i = base; i < base + s; i++) {
        if (mask[i]! === 0) continue;
        counted++;
        if (logits[i]! > 0 === target[i]! > 0.5) right++;
      }
    }
  }
  return { accuracy: counted ? right / counted : Number.NaN, counted };
}
