import type { ConvBackend, MathMode } from './conv-backend.js';
import type { Device, DeviceKind } from './device.js';
import { ConfigError, errorToOneLine, Unet3dError } from './errors.js';

export interface BackendCreateOptions {
  device: Device;
  mathMode: MathMode;
  /** Backend-specific options (e.g. a tuning-log path), recorded in results. */
  extra?: Record<string, unknown>;
}

export interface BackendRegistration {
  readonly name: string;
  readonly deviceKind: DeviceKind;
  /** Higher wins when resolving `auto`. */
  readonly priority: number;
  readonly description: string;
  create(options: BackendCreateOptions): Promise<ConvBackend>;
}

/** None of the requested backends could be created; lists every failure. */
export class BackendUnavailableError extends Unet3dError {
  readonly failures: ReadonlyArray<{ name: string; reason: string }>;
  constructor(failures: ReadonlyArray<{ name: string; reason: string }>) {
    super(
      'BACKEND_UNAVAILABLE',
      `no conv backend could be created: ${failures.map((f) => `${f.name}: ${f.reason}`).join('; ')}`,
      'run `pnpm unet3d verify --backend onnxruntime` for the CPU default, or fix the first failure above',
    );
    this.failures = failures;
  }
}

const registry = new Map<string, BackendRegistration>();

/** Register a backend under its name (called from each backend's `register.ts`). Re-registering replaces. */
export function registerBackend(registration: BackendRegistration): void {
  registry.set(registration.name, registration);
}

export function listBackends(): BackendRegistration[] {
  return [...registry.values()].sort((a, b) => b.priority - a.priority);
}

export function getBackendRegistration(name: string): BackendRegistration {
  const reg = registry.get(name);
  if (!reg) {
    const known = [...registry.keys()].join(', ') || '(none registered)';
    throw new ConfigError(`unknown backend '${name}'`, `known backends: ${known}`);
  }
  return reg;
}

/**
 * Try backends in order and return the first that can be created. `makeDevice` creates (or reuses) the
 * device of the kind a backend needs. If every candidate fails, throws BackendUnavailableError naming all.
 */
export async function resolveBackend(
  names: readonly string[],
  makeDevice: (kind: DeviceKind) => Promise<Device>,
  mathMode: MathMode,
  extra?: Record<string, unknown>,
): Promise<ConvBackend> {
  const failures: { name: string; reason: string }[] = [];
  for (const name of names) {
    const reg = getBackendRegistration(name);
    try {
      const device = await makeDevice(reg.deviceKind);
      return await reg.create({ device, mathMode, ...(extra ? { extra } : {}) });
    } catch (err) {
      failures.push({ name, reason: errorToOneLine(err) });
    }
  }
  throw new BackendUnavailableError(failures);
}
