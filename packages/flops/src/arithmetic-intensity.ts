import type { PassCost } from './pass-cost.js';
import { bytesPerElement, type StorageFormat } from './storage.js';

/** Fewest bytes a pass reads and writes in a storage format. */
export function passBytes(pass: PassCost, storage: StorageFormat): number {
  return (pass.readElements + pass.writeElements) * bytesPerElement(storage);
}

/** FLOP per byte moved (Williams et al.'s roofline x-axis); 0 when the pass moves nothing. */
export function arithmeticIntensity(pass: PassCost, storage: StorageFormat): number {
  const bytes = passBytes(pass, storage);
  return bytes === 0 ? 0 : pass.flop / bytes;
}
