import { ConfigError, errorToOneLine } from '@unet3d/core';
import { CANDIDATE_BACKENDS } from '@unet3d/paper';
import {
  BACKEND_PACKAGES,
  knownBackendNames,
  type OpenBackendOptions,
  type OpenedBackend,
  openFirstBackend,
} from '../../backends.js';

/** The CPU fallback every paper implementation ends with; never part of a family. */
const FALLBACK = 'onnxruntime';

/**
 * The backends `verify --backend <name>` means: when `name` is a paper implementation's own backend (the
 * first of its `@unet3d/paper` candidate list), that list without the generic CPU fallback — `tvm` means
 * `tvm` (CUDA target) when a GPU is there, else `tvm-cpu`; `cudnn` means `cudnn`. Any other name: itself.
 */
export function backendFamily(name: string): readonly string[] {
  for (const candidates of Object.values(CANDIDATE_BACKENDS)) {
    if (candidates[0] === name) return candidates.filter((c) => c !== FALLBACK);
  }
  return [name];
}

/**
 * Open the first member of `name`'s family that can be created here (each on a fresh device of its kind).
 * Throws a ConfigError of one line naming every member tried and why it failed.
 */
export async function openBackendFamily(
  name: string,
  options: OpenBackendOptions = {},
): Promise<OpenedBackend> {
  if (!BACKEND_PACKAGES[name]) {
    throw new ConfigError(`unknown backend '${name}'`, `known backends: ${knownBackendNames().join(', ')}`);
  }
  const family = backendFamily(name);
  try {
    return await openFirstBackend(family, options);
  } catch (err) {
    const failures = (err as { failures?: { name: string; reason: string }[] }).failures;
    const reason = failures
      ? failures.map((f) => (family.length > 1 ? `${f.name}: ${f.reason}` : f.reason)).join('; ')
      : errorToOneLine(err);
    throw new ConfigError(
      `backend '${name}'${family.length > 1 ? ` (tried ${family.join(', ')})` : ''} cannot be used: ${reason}`,
      name === FALLBACK ? undefined : 'run `pnpm unet3d verify --backend onnxruntime` for the CPU default',
    );
  }
}
