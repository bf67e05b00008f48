import { ShapeError } from '@unet3d/core';

export type Dim3 = readonly [number, number, number];

export interface LaunchDims {
  readonly grid: Dim3;
  readonly block: Dim3;
  readonly sharedBytes: number;
}

export const DEFAULT_BLOCK = 256;
/** Grid-stride loops cover the rest; more blocks than this only adds scheduling overhead. */
export const MAX_ELEMENTWISE_BLOCKS = 1 << 16;
export const MAX_GRID_Y = 65535;

/** A 1-D grid-stride launch over n elements. */
export function elementwiseLaunch(n: number, block = DEFAULT_BLOCK): LaunchDims {
  if (!Number.isInteger(n) || n < 0)
    throw new ShapeError(`element count must be a non-negative integer, got ${n}`);
  const blocks = Math.min(Math.max(1, Math.ceil(n / block)), MAX_ELEMENTWISE_BLOCKS);
  return { grid: [blocks, 1, 1], block: [block, 1, 1], sharedBytes: 0 };
}

/**
 * A per-channel reduction over an NC(S) tensor: grid (chunks, C), each block sums a slice of the S axis for
 * every n and writes one partial per (channel, chunk). `chunks` is chosen so each thread handles at least
 * `perThread` elements of a channel, at most `maxChunks` partials per channel.
 */
export function channelReduceLaunch(
  n: number,
  c: number,
  spatial: number,
  options: { block?: number; perThread?: number; maxChunks?: number } = {},
): LaunchDims & { chunks: number } {
  const block = options.block ?? DEFAULT_BLOCK;
  const perThread = options.perThread ?? 8;
  const maxChunks = options.maxChunks ?? 256;
  if (c > MAX_GRID_Y) throw new ShapeError(`at most ${MAX_GRID_Y} channels per reduction, got ${c}`);
  const perChannel = n * spatial;
  const chunks = Math.min(
    maxChunks,
    Math.max(1, Math.ceil(perChannel / (block * perThread))),
    Math.max(1, Math.ceil(spatial / block)),
  );
  return { grid: [chunks, c, 1], block: [block, 1, 1], sharedBytes: 0, chunks };
}

/** One block per channel (finalising per-channel partials). */
export function perChannelLaunch(c: number, block = DEFAULT_BLOCK): LaunchDims {
  return { grid: [c, 1, 1], block: [block, 1, 1], sharedBytes: 0 };
}
