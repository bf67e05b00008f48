import { ConfigError, MATH_MODES, type MathMode } from '@unet3d/core';

/** Default accepted relative error per math mode (fp32: the paper's setting). */
export const DEFAULT_TOLERANCE: Readonly<Record<MathMode, number>> = { fp32: 1e-4, tf32: 5e-3, bf16: 3e-2 };

export function parseMathMode(value: string): MathMode {
  if (!(MATH_MODES as readonly string[]).includes(value)) {
    throw new ConfigError(`unknown math mode '${value}'`, `use one of ${MATH_MODES.join(', ')}`);
  }
  return value as MathMode;
}

export function parsePositiveNumber(value: string, what: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0)
    throw new ConfigError(`${what} must be a positive number, got '${value}'`);
  return n;
}

export function parsePositiveInt(value: string, what: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0)
    throw new ConfigError(`${what} must be a positive integer, got '${value}'`);
  return n;
}

export function parseNonNegativeInt(value: string, what: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new ConfigError(`${what} must be an integer ≥ 0, got '${value}'`);
  return n;
}

/** "D,H,W" → [D, H, W]. */
export function parsePatch(value: string): [number, number, number] {
  const parts = value.split(/[,x×]/).map((s) => Number(s.trim()));
  if (parts.length !== 3 || parts.some((v) => !Number.isInteger(v) || v <= 0)) {
    throw new ConfigError(
      `patch must be three positive integers D,H,W, got '${value}'`,
      'e.g. --input 64,128,128',
    );
  }
  return [parts[0]!, parts[1]!, parts[2]!];
}
