import { ShapeError, type Triple } from '@unet3d/core';
import { AFFINITY_CHANNELS } from '@unet3d/model';
import type { Trainer } from './executor/index.js';

export interface SlidingWindowOptions {
  /** Fraction of the patch two neighbouring windows share along each axis, in [0, 1); default 0.5. */
  overlap?: number;
}

/** Mirror index i into [0, n) (symmetric reflection without repeating the edge voxel, like numpy 'reflect'). */
function reflect(i: number, n: number): number {
  if (n === 1) return 0;
  const period = 2 * (n - 1);
  const m = ((i % period) + period) % period;
  return m < n ? m : period - m;
}

/** Window starts along one axis of `size` voxels (size ≥ patch): 0, step, 2·step, … and size − patch last. */
export function windowStarts(size: number, patch: number, step: number): number[] {
  if (size <= patch) return [0];
  const starts: number[] = [];
  for (let s = 0; s < size - patch; s += step) starts.push(s);
  starts.push(size - patch);
  return starts;
}

/**
 * Blending weight of offset i inside a window of p voxels: min(i + 1, p − i), a tent that is highest at the
 * centre. Voxels near a window's border (where the 'same'-padded convolutions see zeros) count less.
 */
function tent(p: number): Float32Array {
  const w = new Float32Array(p);
  for (let i = 0; i < p; i++) w[i] = Math.min(i + 1, p - i);
  return w;
}

/**
 * Sliding-window inference of a whole volume: the network's (eval-mode, running BN statistics) sigmoid
 * affinities over overlapping patches of its input size, **blended** — each voxel's probability is the
 * weighted mean over the windows that cover it, with a separable tent weight per axis (see `tent`).
 * Windows step by round(patch · (1 − overlap)) and the last one is flush with the volume's end. An axis
 * shorter than the patch is mirror-padded (reflection) up to the patch and cropped back afterwards.
 * Windows are run `N` at a time (N = the network's batch); a last partial group repeats its last window.
 *
 * `image`: D×H×W intensities (as in training); returns 12×D×H×W probabilities (affinity maps in
 * `AFFINITY_OFFSETS` order). Throws ShapeError when image.length ≠ D·H·W.
 */
export async function predictVolume(
  trainer: Trainer,
  image: Float32Array,
  shape: Triple,
  options: SlidingWindowOptions = {},
): Promise<Float32Array> {
  const [D, H, W] = shape;
  if (image.length !== D * H * W) {
    throw new ShapeError(`image has ${image.length} values, [${shape.join(',')}] needs ${D * H * W}`);
  }
  const overlap = options.overlap ?? 0.5;
  if (!(overlap >= 0 && overlap < 1)) {
    throw new ShapeError(`sliding-window overlap must be in [0, 1), got ${overlap}`);
  }
  const [N, , pd, ph, pw] = trainer.network.input as unknown as [number, number, number, number, number];
  const patch: Triple = [pd, ph, pw];
  const C = AFFINITY_CHANNELS;
  // Padded extent (≥ patch on every axis).
  const P: Triple = [Math.max(D, pd), Math.max(H, ph), Math.max(W, pw)];
  const starts = [0, 1, 2].map((a) =>
    windowStarts(P[a]!, patch[a]!, Math.max(1, Math.round(patch[a]! * (1 - overlap)))),
  );
  const windows: Triple[] = [];
  for (const z of starts[0]!) for (const y of starts[1]!) for (const x of starts[2]!) windows.push([z, y, x]);
  const weights = [tent(pd), tent(ph), tent(pw)];
  const per = pd * ph * pw;
  const plane = H * W;
  const acc = new Float32Array(C * D * plane);
  const wsum = new Float32Array(D * plane);
  const input = new Float32Array(N * per);
  for (let g = 0; g < windows.length; g += N) {
    const group = windows.slice(g, g + N);
    for (let n = 0; n < N; n++) {
      const [z0, y0, x0] = group[Math.min(n, group.length - 1)]!;
      for (let z = 0; z < pd; z++) {
        const sz = reflect(z0 + z, D);
        for (let y = 0; y < ph; y++) {
          const sy = reflect(y0 + y, H);
          const dst = n * per + (z * ph + y) * pw;
          const src = (sz * H + sy) * W;
          for (let x = 0; x < pw; x++) input[dst + x] = image[src + reflect(x0 + x, W)]!;
        }
      }
    }
    const logits = await trainer.predict(input);
    for (let n = 0; n < group.length; n++) {
      const [z0, y0, x0] = group[n]!;
      for (let z = 0; z < pd; z++) {
        const gz = z0 + z;
        if (gz >= D) continue;
        for (let y = 0; y < ph; y++) {
          const gy = y0 + y;
          if (gy >= H) continue;
          const wzy = weights[0]![z]! * weights[1]![y]!;
          for (let x = 0; x < pw; x++) {
            const gx = x0 + x;
            if (gx >= W) continue;
            const w = wzy * weights[2]![x]!;
            const v = (gz * H + gy) * W + gx;
            wsum[v]! += w;
            const src = n * C * per + (z * ph + y) * pw + x;
            for (let c = 0; c < C; c++) {
              const l = logits[src + c * per]!;
              acc[c * D * plane + v]! += w / (1 + Math.exp(-l));
            }
          }
        }
      }
    }
  }
  for (let c = 0; c < C; c++) {
    const base = c * D * plane;
    for (let v = 0; v < D * plane; v++) acc[base + v] = acc[base + v]! / wsum[v]!;
  }
  return acc;
}
