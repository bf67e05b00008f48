import {
  ConfigError,
  type ConvBackend,
  type Device,
  DeviceError,
  type DeviceKind,
  errorToOneLine,
  listBackends,
  type MathMode,
  type ResolvedBackend,
  resolveCandidates,
} from '@unet3d/core';
import { CpuDevice, type CpuPrecision } from '@unet3d/cpu';
import { loadCudaModule } from './cuda-module.js';
import { probeNvidiaDriverHere } from './nvidia-driver.js';

/**
 * The conv backends the CLI knows, and the package whose `register` module registers each. They are
 * imported on demand, so a backend whose package is missing (the GPU backends are optional dependencies) or
 * fails to load only breaks when asked for, with one line naming the problem. `reference` is the float64
 * oracle: registered like any backend, never chosen by `auto`.
 */
export const BACKEND_PACKAGES: Readonly<Record<string, string>> = {
  onnxruntime: '@unet3d/backend-onnxruntime',
  cudnn: '@unet3d/backend-cudnn',
  tvm: '@unet3d/backend-tvm',
  'tvm-cpu': '@unet3d/backend-tvm',
  reference: '@unet3d/core/testing',
};

/**
 * The same imports written out literally, so a bundler (the offline bundle, `pnpm bundle`) can see and
 * include them; still lazy. A specifier missing here falls back to a computed `import()`.
 */
const STATIC_IMPORTS: Readonly<Record<string, () => Promise<unknown>>> = {
  '@unet3d/backend-onnxruntime/register': () => import('@unet3d/backend-onnxruntime/register'),
  '@unet3d/backend-cudnn/register': () => import('@unet3d/backend-cudnn/register'),
  '@unet3d/backend-tvm/register': () => import('@unet3d/backend-tvm/register'),
  '@unet3d/core/testing/register': () => import('@unet3d/core/testing/register'),
};

/**
 * The device kind each known backend runs on, known before its package is imported: a CUDA backend is not
 * even imported where no NVIDIA driver is installed (see `openFirstBackend`).
 */
export const BACKEND_DEVICE_KINDS: Readonly<Record<string, DeviceKind>> = {
  onnxruntime: 'cpu',
  cudnn: 'cuda',
  tvm: 'cuda',
  'tvm-cpu': 'cpu',
  reference: 'cpu',
};

/**
 * Why a backend cannot run here, known without loading anything (a CUDA backend on a machine with no
 * NVIDIA driver: `probeNvidiaDriver`), or null when only trying it will tell.
 */
export function cheapUnavailability(name: string): string | null {
  if (BACKEND_DEVICE_KINDS[name] !== 'cuda') return null;
  const probe = probeNvidiaDriverHere();
  return probe.present ? null : probe.reason;
}

function importModule(spec: string): Promise<unknown> {
  return STATIC_IMPORTS[spec]?.() ?? import(spec);
}

export function knownBackendNames(): string[] {
  return Object.keys(BACKEND_PACKAGES);
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
    `install it next to @unet3d/bench: npm install ${pkg} (in a checkout: pnpm install)`,
  );
}

export interface DeviceOptions {
  /** CPU storage precision: 'float64' is the gradient-check mode. */
  precision?: CpuPrecision;
}

/** Create a device of a kind. CUDA is imported on demand (a machine without a GPU gets a clear error). */
export async function createDevice(kind: DeviceKind, options: DeviceOptions = {}): Promise<Device> {
  if (kind === 'cpu') return new CpuDevice(options.precision ? { precision: options.precision } : {});
  const cuda = await loadCudaModule();
  if (typeof cuda.CudaDevice?.create !== 'function') {
    throw new DeviceError('this build of @unet3d/cuda has no CudaDevice.create', 'use a CPU backend');
  }
  return cuda.CudaDevice.create();
}

export interface OpenBackendOptions {
  mathMode?: MathMode;
  precision?: CpuPrecision;
  extra?: Record<string, unknown>;
}

export interface OpenedBackend {
  backend: ConvBackend;
  device: Device;
  /** The candidates tried before this one, each with why it could not be used. */
  failures: ResolvedBackend['failures'];
  /** Dispose the backend, then its device. */
  close(): Promise<void>;
}

/**
 * Open the first of `candidates` that can be created here, on a fresh device of its kind, through core's
 * registry (`resolveCandidates`: tried in order, every failure remembered). A CUDA candidate on a machine
 * with no NVIDIA driver fails before its package is imported (`cheapUnavailability`: no koffi, no
 * @unet3d/cuda in a CPU process), with the reason "no NVIDIA driver …". Throws BackendUnavailableError
 * naming every candidate when none can be used.
 */
export async function openFirstBackend(
  candidates: readonly string[],
  options: OpenBackendOptions = {},
): Promise<OpenedBackend> {
  const deviceOptions = options.precision ? { precision: options.precision } : {};
  const r = await resolveCandidates({
    names: candidates,
    load: async (name) => {
      const unavailable = cheapUnavailability(name);
      if (unavailable) throw new DeviceError(unavailable);
      await loadBackend(name);
    },
    makeDevice: (kind) => createDevice(kind, deviceOptions),
    releaseDevice: (device) => device.dispose(),
    mathMode: options.mathMode ?? 'fp32',
    ...(options.extra ? { extra: options.extra } : {}),
  });
  const { backend, failures } = r;
  return {
    backend,
    device: backend.device,
    failures,
    async close() {
      await backend.dispose();
      backend.device.dispose();
    },
  };
}

/** Open one backend by name (`verify`, `train`). Errors are one line naming the backend and the fix. */
export async function openBackend(name: string, options: OpenBackendOptions = {}): Promise<OpenedBackend> {
  if (!BACKEND_PACKAGES[name]) {
    throw new ConfigError(`unknown backend '${name}'`, `known backends: ${knownBackendNames().join(', ')}`);
  }
  try {
    return await openFirstBackend([name], options);
  } catch (err) {
    const reason = (err as { failures?: { reason: string }[] }).failures?.[0]?.reason ?? errorToOneLine(err);
    throw new ConfigError(
      `backend '${name}' cannot be used: ${reason}`,
      name === 'onnxruntime'
        ? undefined
        : 'the CPU default: unet3d verify --backend onnxruntime (npm install @unet3d/backend-onnxruntime)',
    );
  }
}
