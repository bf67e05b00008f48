import { ConfigError } from '@unet3d/core';

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
