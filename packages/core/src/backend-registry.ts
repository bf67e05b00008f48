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
  /** Higher comes first in `listBackends` and `autoBackendNames`. */
  readonly priority: number;
  /** False: never chosen by `auto` (the float64 reference: an oracle, not a product). Default true. */
  readonly autoSelect?: boolean;
  readonly description: string;
  create(options: BackendCreateOptions): Promise<ConvBackend>;
}

/** None of the requested backends could be created; lists every failure. */
export class BackendUnavailableError extends Unet3dError {
  readonly failures: ReadonlyArray<BackendFailure>;
  constructor(failures: ReadonlyArray<BackendFailure>) {
    super(
      'BACKEND_UNAVAILABLE',
      `no conv backend could be created: ${failures.map((f) => `${f.name}: ${f.reason}`).join('; ')}`,
      'run `unet3d verify --backend onnxruntime` for the CPU default, or fix the first failure above',
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

/** Registered backends `auto` may choose, best first (priority order, `autoSelect: false` left out). */
export function autoBackendNames(): string[] {
  return listBackends()
    .filter((r) => r.autoSelect !== false)
    .map((r) => r.name);
}

export interface BackendFailure {
  readonly name: string;
  /** One line: what failed and, where known, how to fix it. */
  readonly reason: string;
}

export interface ResolveCandidatesOptions {
  /** Candidate backend names, tried in order. */
  readonly names: readonly string[];
  /** Make a candidate's registration available (e.g. import its package); a throw is that candidate's failure. */
  readonly load?: (name: string) => Promise<void>;
  /** Create (or reuse) the device of the kind a backend needs. */
  readonly makeDevice: (kind: DeviceKind) => Promise<Device>;
  /** Called with the device of a candidate whose creation failed (to dispose a fresh one). */
  readonly releaseDevice?: (device: Device) => void;
  readonly mathMode: MathMode;
  readonly extra?: Record<string, unknown>;
}

export interface ResolvedBackend {
  readonly backend: ConvBackend;
  readonly registration: BackendRegistration;
  /** The candidates tried before it, each with why it could not be used. */
  readonly failures: readonly BackendFailure[];
}

/**
 * Try candidate backends in order (onnxruntime-style provider fallback) and return the first that can be
 * created, with every earlier failure remembered. A name that is not registered (or whose `load` throws) is
 * a failure like any other. If every candidate fails, throws BackendUnavailableError naming all of them.
 */
export async function resolveCandidates(options: ResolveCandidatesOptions): Promise<ResolvedBackend> {
  const failures: BackendFailure[] = [];
  for (const name of options.names) {
    let device: Device | undefined;
    try {
      await options.load?.(name);
      const registration = getBackendRegistration(name);
      device = await options.makeDevice(registration.deviceKind);
      const backend = await registration.create({
        device,
        mathMode: options.mathMode,
        ...(options.extra ? { extra: options.extra } : {}),
      });
      return { backend, registration, failures };
    } catch (err) {
      if (device) options.releaseDevice?.(device);
      failures.push({ name, reason: errorToOneLine(err) });
    }
  }
  throw new BackendUnavailableError(failures);
}

/**
 * Try backends in order and return the first that can be created (see resolveCandidates). `makeDevice`
 * creates (or reuses) the device of the kind a backend needs. If every candidate fails, throws
 * BackendUnavailableError naming all.
 */
export async function resolveBackend(
  names: readonly string[],
  makeDevice: (kind: DeviceKind) => Promise<Device>,
  mathMode: MathMode,
  extra?: Record<string, unknown>,
): Promise<ConvBackend> {
  return (await resolveCandidates({ names, makeDevice, mathMode, ...(extra ? { extra } : {}) })).backend;
}
