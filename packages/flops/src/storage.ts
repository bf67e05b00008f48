import { ConfigError } from '@unet3d/core';

/**
 * Math precisions a device profile can quote a peak for. fp32 and tf32 keep tensors in 4-byte floats;
 * 'fp16-bf16' keeps them in 2-byte floats (weights and activations alike; no fp32 master copy counted).
 */
export type Precision = 'fp32' | 'tf32' | 'fp16-bf16';
export const PRECISIONS: readonly Precision[] = ['fp32', 'tf32', 'fp16-bf16'];

/** Storage widths for the bytes-moved figures: 4-byte fp32 or any 16-bit float. */
export type StorageFormat = 'fp32' | '16-bit';
export const STORAGE_FORMATS: readonly StorageFormat[] = ['fp32', '16-bit'];

export function bytesPerElement(storage: StorageFormat): 4 | 2 {
  return storage === 'fp32' ? 4 : 2;
}

export function storageOf(precision: Precision): StorageFormat {
  return precision === 'fp16-bf16' ? '16-bit' : 'fp32';
}

export function parsePrecision(value: string): Precision {
  if ((PRECISIONS as readonly string[]).includes(value)) return value as Precision;
  throw new ConfigError(`unknown precision '${value}'`, `allowed precisions: ${PRECISIONS.join(', ')}`);
}
