import { createRequire } from 'node:module';
import { DeviceError } from '@unet3d/core';

export type Koffi = typeof import('koffi').default;
export type LibraryHandle = import('koffi').LibraryHandle;
export type KoffiFunction = ReturnType<LibraryHandle['func']>;

let cached: Koffi | undefined;

/**
 * koffi, loaded on first use rather than at import, so importing @unet3d/cuda never throws even where
 * koffi's native module has no prebuild for this platform.
 */
export function getKoffi(): Koffi {
  if (cached) return cached;
  try {
    const require = createRequire(import.meta.url);
    const mod = require('koffi') as Koffi & { default?: Koffi };
    cached = mod.default ?? mod;
    return cached;
  } catch (err) {
    throw new DeviceError(
      `the FFI library koffi could not be loaded: ${(err as Error).message}`,
      'run `pnpm install` in the repository root; koffi ships prebuilt binaries for linux x64/arm64',
      { cause: err },
    );
  }
}
