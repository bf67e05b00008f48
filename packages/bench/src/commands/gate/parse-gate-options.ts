import { ConfigError } from '@unet3d/core';
import { DEFAULT_GATE_OPTIONS, type GateOptions } from '@unet3d/gate';
import { parseNonNegativeInt, parsePositiveInt } from '../../options.js';

/** '5%' → 0.05, '0.05' → 0.05; must be in [0, 1). */
export function parseFraction(value: string, what: string): number {
  const m = /^\s*(\d+(?:\.\d+)?|\.\d+)\s*(%?)\s*$/.exec(value);
  const n = m ? Number(m[1]) / (m[2] ? 100 : 1) : Number.NaN;
  if (!Number.isFinite(n) || n < 0 || n >= 1) {
    throw new ConfigError(
      `${what} must be a fraction in [0, 1) or a percentage, got '${value}'`,
      `e.g. ${what} 5%`,
    );
  }
  return n;
}

/** A significance level in (0, 0.5). */
export function parseAlpha(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0 || n >= 0.5) {
    throw new ConfigError(`--alpha must be a number in (0, 0.5), got '${value}'`, 'e.g. --alpha 0.01');
  }
  return n;
}

/** A duration in ms, ≥ 0. */
export function parseMs(value: string, what: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0) {
    throw new ConfigError(
      `${what} must be a number of milliseconds ≥ 0, got '${value}'`,
      `e.g. ${what} 0.005`,
    );
  }
  return n;
}

/** The raw option strings of `unet3d gate` as commander collects them (values parsed here, exit 2 on error). */
export interface RawGateOptions {
  readonly baseline?: string;
  readonly current?: string;
  readonly maxSlowdown?: string;
  readonly alpha?: string;
  readonly minDeltaMs?: string;
  readonly seed?: string;
  readonly resamples?: string;
  readonly holm: boolean;
  readonly crossDevice?: boolean;
  readonly allowNoisy?: boolean;
}

/** Parsed and checked gate options; throws ConfigError naming the flag. */
export function parseGateOptions(raw: RawGateOptions): GateOptions & { baseline: string; current: string } {
  for (const flag of ['baseline', 'current'] as const) {
    if (!raw[flag]) {
      throw new ConfigError(
        `--${flag} <file> is required`,
        'e.g. unet3d gate --baseline results/<device>/<old>.json --current results/<device>/<new>.json',
      );
    }
  }
  const d = DEFAULT_GATE_OPTIONS;
  return {
    baseline: raw.baseline!,
    current: raw.current!,
    maxSlowdown:
      raw.maxSlowdown !== undefined ? parseFraction(raw.maxSlowdown, '--max-slowdown') : d.maxSlowdown,
    alpha: raw.alpha !== undefined ? parseAlpha(raw.alpha) : d.alpha,
    minDeltaMs: raw.minDeltaMs !== undefined ? parseMs(raw.minDeltaMs, '--min-delta-ms') : d.minDeltaMs,
    seed: raw.seed !== undefined ? parseNonNegativeInt(raw.seed, '--seed') : d.seed,
    resamples: raw.resamples !== undefined ? parsePositiveInt(raw.resamples, '--resamples') : d.resamples,
    correction: raw.holm ? 'holm' : 'none',
    crossDevice: raw.crossDevice === true,
    allowNoisy: raw.allowNoisy === true,
  };
}
