import { createRequire } from 'node:module';
import { NativeUnavailableError } from './errors.js';

export type Koffi = typeof import('koffi').default;
export type KoffiLibrary = import('koffi').LibraryHandle;
/** A bound C function: call it with JS values; typed arrays given for pointer parameters pass their memory. */
export type NativeFunction = ReturnType<KoffiLibrary['func']>;

let cached: Koffi | undefined;

/** koffi, loaded on first use (importing this package never loads a native module). */
export function getKoffi(): Koffi {
  if (cached) return cached;
  try {
    const require = createRequire(import.meta.url);
    const mod = require('koffi') as Koffi & { default?: Koffi };
    cached = mod.default ?? mod;
    return cached;
  } catch (err) {
    throw new NativeUnavailableError(
      `the FFI library koffi could not be loaded: ${(err as Error).message.split('\n')[0]}`,
      'run `pnpm install` in the repository root; koffi ships prebuilt binaries for linux x64/arm64',
      { cause: err },
    );
  }
}

/**
 * A loaded shared object. `func(name, result, params)` binds a C function by koffi type names, e.g.
 * `lib.func('scale', 'void', ['float *', 'int64_t', 'float'])`, or `lib.func('void scale(float *x, int64_t n, float a)')`.
 *
 * Memory: a Float32Array / Float64Array / Int32Array... passed for a pointer parameter is handed to C as a
 * pointer to the array's own memory (no copy; offset by the view's byteOffset), so the C function may read and
 * write it in place. The pointer is valid only during the call (koffi's "transient pointers"): C must not keep it.
 */
export interface NativeLibrary {
  readonly path: string;
  func(name: string, result: string, params: readonly string[]): NativeFunction;
  func(prototype: string): NativeFunction;
  /** The underlying koffi handle (for koffi's full declaration API). */
  readonly handle: KoffiLibrary;
  unload(): void;
}

export function loadLibrary(file: string): NativeLibrary {
  const koffi = getKoffi();
  let handle: KoffiLibrary;
  try {
    handle = koffi.load(file);
  } catch (err) {
    throw new NativeUnavailableError(
      `could not load the shared object ${file}: ${(err as Error).message.split('\n')[0]}`,
      'delete it from the native build cache (~/.cache/unet3d/native) so it is rebuilt',
      { cause: err },
    );
  }
  return {
    path: file,
    handle,
    func(nameOrPrototype: string, result?: string, params?: readonly string[]): NativeFunction {
      if (result === undefined) return handle.func(nameOrPrototype);
      return handle.func(nameOrPrototype, result, [...(params ?? [])]);
    },
    unload(): void {
      handle.unload();
    },
  } as NativeLibrary;
}

/** Libraries pinned for the life of the process (a dropped koffi handle is unloaded when garbage-collected). */
const pinned = new Map<string, NativeLibrary>();

/**
 * Load `file` and keep it loaded until the process exits (e.g. an OpenMP runtime whose thread pool outlives
 * the kernels that started it). Returns false when it cannot be loaded (not installed here).
 */
export function pinLibrary(file: string): boolean {
  if (pinned.has(file)) return true;
  try {
    pinned.set(file, loadLibrary(file));
    return true;
  } catch {
    return false;
  }
}
