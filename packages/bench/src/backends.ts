import {
  ConfigError,
  type ConvBackend,
  type Device,
  DeviceError,
  type DeviceKind,
  errorToOneLine,
  getBackendRegistration,
  listBackends,
  type MathMode,
} from '@unet3d/core';
import { createReferenceBackend } from '@unet3d/core/testing';
import { CpuDevice, type CpuPrecision } from '@unet3d/cpu';

/**
 * The conv backends the CLI knows, and the package whose `register` module registers each. They are
 * imported on demand, so a backend whose package is missing or fails to load only breaks when asked for,
 * with one line naming the problem. `reference` is built in (the float64 oracle: slow, never `auto`).
 */
export const BACKEND_PACKAGES: Readonly<Record<string, string>> = {
  onnxruntime: '@unet3d/backend-onnxruntime',
  cudnn: '@unet3d/backend-cudnn',
  tvm: '@unet3d/backend-tvm',
  'tvm-cpu': '@unet3d/backend-tvm',
};

/**
 * The same imports written out literally, so a bundler (the offline bundle, `pnpm bundle`) can see and
 * include them; still lazy. A specifier missing here falls back to a computed `import()`.
 */
const STATIC_IMPORTS: Readonly<Record<string, () => Promise<unknown>>> = {
  '@unet3d/backend-onnxruntime/register': () => import('@unet3d/backend-onnxruntime/register'),
  '@unet3d/backend-cudnn/register': () => import('@unet3d/backend-cudnn/register'),
  '@unet3d/backend-tvm/register': () => import('@unet3d/backend-tvm/register'),
  '@unet3d/cuda': () => import('@unet3d/cuda'),
};

function importModule(spec: string): Promise<unknown> {
  return STATIC_IMPORTS[spec]?.() ?? import(spec);
}

export const REFERENCE_BACKEND = 'reference';

export function knownBackendNames(): string[] {
  return [...Object.keys(BACKEND_PACKAGES), REFERENCE_BACKEND];
}

function isModuleMissing(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return (
    code === 'ERR_MODULE_NOT_FOUND' || code === 'ERR_PACKAGE_PATH_NOT_EXPORTED' || code === 'MODULE_NOT_FOUND'
  );
}

/** Import a backend's `register` module (or, lacking that subpath, its package root). */
export async function loadBackend(name: string): Promise<void> {
  const pkg = BACKEND_PACKAGES[name];
  if (!pkg) {
    throw new ConfigError(`unknown backend '${name}'`, `known backends: ${knownBackendNames().join(', ')}`);
  }
  if (listBackends().some((r) => r.name === name)) return;
  const attempts = [`${pkg}/register`, pkg];
  let lastMissing: unknown;
  for (const spec of attempts) {
    try {
      await importModule(spec);
      lastMissing = undefined;
    } catch (err) {
      if (!isModuleMissing(err)) {
        throw new ConfigError(`backend '${name}' failed to load: ${errorToOneLine(err)}`, `check ${pkg}`);
      }
      lastMissing = err;
      continue;
    }
    if (listBackends().some((r) => r.name === name)) return;
  }
  throw new ConfigError(
    `backend '${name}' is not installed (${pkg} ${lastMissing ? 'cannot be imported' : 'does not register it'})`,
    `install/build ${pkg}, or use --backend onnxruntime`,
  );
}

export interface DeviceOptions {
  /** CPU storage precision: 'float64' is the gradient-check mode. */
  precision?: CpuPrecision;
}

/** Create a device of a kind. CUDA is imported on demand (a machine without a GPU gets a clear error). */
export async function createDevice(kind: DeviceKind, options: DeviceOptions = {}): Promise<Device> {
  if (kind === 'cpu') return new CpuDevice(options.precision ? { precision: options.precision } : {});
  let mod: Record<string, unknown>;
  try {
    const spec = '@unet3d/cuda'; // imported lazily: a machine without a GPU never loads it
    mod = (await importModule(spec)) as Record<string, unknown>;
  } catch (err) {
    throw new DeviceError(`the CUDA device cannot be loaded: ${errorToOneLine(err)}`, 'use a CPU backend');
  }
  const CudaDevice = mod['CudaDevice'] as { create?: () => Device } | undefined;
  if (typeof CudaDevice?.create !== 'function') {
    throw new DeviceError('this build of @unet3d/cuda has no CudaDevice.create', 'use a CPU backend');
  }
  return CudaDevice.create();
}

export interface OpenBackendOptions {
  mathMode?: MathMode;
  precision?: CpuPrecision;
  extra?: Record<string, unknown>;
}

export interface OpenedBackend {
  backend: ConvBackend;
  device: Device;
  /** Dispose the backend, then its device. */
  close(): Promise<void>;
}

/** Load, then create a backend by name on a fresh device of its kind. Errors are one-line Unet3dErrors. */
export async function openBackend(name: string, options: OpenBackendOptions = {}): Promise<OpenedBackend> {
  const mathMode = options.mathMode ?? 'fp32';
  const deviceOptions = options.precision ? { precision: options.precision } : {};
  if (name === REFERENCE_BACKEND) {
    const device = await createDevice('cpu', deviceOptions);
    return wrap(createReferenceBackend(device), device);
  }
  await loadBackend(name);
  const reg = getBackendRegistration(name);
  let device: Device | undefined;
  try {
    device = await createDevice(reg.deviceKind, deviceOptions);
    const backend = await reg.create({
      device,
      mathMode,
      ...(options.extra ? { extra: options.extra } : {}),
    });
    return wrap(backend, device);
  } catch (err) {
    device?.dispose();
    throw new ConfigError(
      `backend '${name}' cannot be created: ${errorToOneLine(err)}`,
      name === 'onnxruntime'
        ? undefined
        : 'run `pnpm unet3d verify --backend onnxruntime` for the CPU default',
    );
  }
}

function wrap(backend: ConvBackend, device: Device): OpenedBackend {
  return {
    backend,
    device,
    async close() {
      await backend.dispose();
      device.dispose();
    },
  };
}
