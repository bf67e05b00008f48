import { ConfigError } from '@unet3d/core';

export interface Sqrt8ChannelsOptions {
  /** Channels of the first level, c0. */
  base: number;
  /** Number of levels (entries returned). */
  levels: number;
  /** Upper bound on any level's channels (the paper caps at 192); none by default. */
  cap?: number;
}

/**
 * The paper's √8 rule: c(l+1) = round(c(l)·√8), optionally capped. Under 2×2×2 pooling a level has 1/8 the
 * voxels of the one above, so a 3×3×3 conv's MACs ∝ voxels·c² stay constant from level to level (the 3-D
 * analogue of ResNet doubling channels when 2-D pooling quarters the pixels).
 *
 * How close is the paper's scaled net? sqrt8Channels({ base: 24, levels: 5, cap: 192 }) = 24, 68, 192, 192,
 * 192 against the paper's 24, 64, 192, 192, 192: only c1 differs (64 vs 68, −5.9%), so level 1's convs
 * cost (64/68)² ≈ 0.89 of level 0's instead of 1.0; c2 = 192 = 24·8 exactly, and the cap holds the last two.
 */
export function sqrt8Channels(options: Sqrt8ChannelsOptions): number[] {
  const { base, levels, cap } = options;
  if (!Number.isInteger(base) || base <= 0) {
    throw new ConfigError(`base channel count must be a positive integer, got ${base}`, 'e.g. base 24');
  }
  if (!Number.isInteger(levels) || levels <= 0) {
    throw new ConfigError(`levels must be a positive integer, got ${levels}`, 'the paper uses 5 levels');
  }
  if (cap !== undefined && (!Number.isInteger(cap) || cap < base)) {
    throw new ConfigError(
      `cap must be an integer ≥ the base (${base}), got ${cap}`,
      'omit the cap for an uncapped progression',
    );
  }
  const out = [base];
  for (let l = 1; l < levels; l++) {
    const next = Math.round(out[l - 1]! * Math.SQRT2 * 2);
    out.push(cap === undefined ? next : Math.min(cap, next));
  }
  return out;
}

/**
 * Relative conv cost of each level for channels c under 2×2×2 pooling, normalised to level 0:
 * (c_l² / 8^l) / c_0². The √8 rule makes this 1 at every level (up to rounding).
 */
export function levelConvCostRatios(channels: readonly number[]): number[] {
  const c0 = channels[0];
  if (c0 === undefined) return [];
  return channels.map((c, l) => (c * c) / 8 ** l / (c0 * c0));
}
