/**
 * Adapter from @unet3d/cuda (CudaDevice: context, NVRTC compiler) to this package's KernelBuilder and
 * KernelRunner. Written against the @unet3d/cuda API as of this commit (CudaDevice.create, ctx.memAlloc /
 * copyToDevice / copyToHost / fill32 / createEvent / elapsedMs, NvrtcCompiler.compile, CudaProgram.load /
 * launch, arg.ptr) and duck-type checked at run time, so a drift in that API gives one clear DeviceError
 * rather than a crash deep in tuning. Not exercised on a GPU yet (written on a machine without one).
 */
import { type Device, DeviceError, errorToOneLine, type Tensor } from '@unet3d/core';
import type { CudaDevice, CudaProgram } from '@unet3d/cuda';
import type {
  BuildOptions,
  BuildResult,
  CompiledKernel,
  DeviceBuffer,
  DeviceFacts,
  KernelBuilder,
  KernelBuildRequest,
  KernelRunner,
  LaunchDims,
  LoadedKernel,
} from './kernel-interfaces.js';

export interface CudaKernelRuntime {
  readonly device: CudaDevice;
  readonly builder: KernelBuilder;
  readonly runner: KernelRunner;
  /** The device buffer behind a CUDA tensor. */
  tensorBuffer(t: Tensor): DeviceBuffer;
  /** Whether this runtime created (and so disposes) the device. */
  readonly ownsDevice: boolean;
  dispose(): void;
}

const NEEDED = ['ctx', 'compiler'] as const;

function assertCudaDevice(d: unknown): asserts d is CudaDevice {
  const o = d as Record<string, unknown> | null;
  const missing = NEEDED.filter((k) => !o || o[k] === undefined);
  if (missing.length > 0) {
    throw new DeviceError(
      `the tvm backend needs a CUDA device from @unet3d/cuda (missing: ${missing.join(', ')})`,
      'create the backend with the cuda device',
    );
  }
}

type LoadedCudaKernel = LoadedKernel & { program: CudaProgram };

/** Create (or wrap) a CUDA device; throws a DeviceError where there is no GPU. */
export async function createCudaKernelRuntime(options: { device?: Device } = {}): Promise<CudaKernelRuntime> {
  let cuda: typeof import('@unet3d/cuda');
  try {
    cuda = await import('@unet3d/cuda');
  } catch (err) {
    throw new DeviceError(`@unet3d/cuda could not be loaded: ${errorToOneLine(err)}`);
  }
  for (const name of ['CudaDevice', 'CudaProgram', 'arg'] as const) {
    if (!(name in cuda))
      throw new DeviceError(`@unet3d/cuda has no export '${name}' (the adapter needs updating)`);
  }
  const ownsDevice = options.device === undefined;
  const device = options.device ?? cuda.CudaDevice.create();
  assertCudaDevice(device);
  const ctx = device.ctx;
  const compiler = device.compiler;
  const [major, minor] = ctx.computeCapability;

  const builder: KernelBuilder = {
    description: `NVRTC ${compiler.version}`,
    async buildMany(requests: readonly KernelBuildRequest[], opts: BuildOptions): Promise<BuildResult[]> {
      // NVRTC runs synchronously in-process: the timeout is checked after the fact (BUILD_TIMEOUT), it
      // cannot interrupt a compile. Run tuning in a child process to bound a runaway compile.
      return requests.map((r): BuildResult => {
        const t0 = performance.now();
        try {
          // Headers (mma.h for the tensor-core templates) come from the compiler's own include folder: one
          // finder, which accepts only a folder holding mma.h and crt/mma.h (findCudaIncludeDir).
          const res = compiler.compile({ name: `${r.name}.cu`, source: r.source }, `sm_${opts.arch}`);
          const ms = performance.now() - t0;
          if (ms > opts.timeoutMs)
            return { ok: false, kind: 'timeout', message: `NVRTC took ${Math.round(ms)} ms` };
          const kernel: CompiledKernel = { name: r.name, image: new Uint8Array(res.cubin), log: res.log };
          return { ok: true, kernel };
        } catch (err) {
          const isCompile = err instanceof cuda.NvrtcCompileError;
          return {
            ok: false,
            kind: isCompile ? 'compile' : 'host',
            message: errorToOneLine(err).slice(0, 2000),
          };
        }
      });
    },
  };

  const runner: KernelRunner = {
    facts(): DeviceFacts {
      return {
        device: device.name,
        driver: cuda.formatCudaVersion(device.driver.version()),
        cuda: `nvrtc ${compiler.version}`,
        arch: major * 10 + minor,
        maxThreadsPerBlock: 1024,
        // No cuFuncSetAttribute binding yet: dynamic shared memory stays within the 48 KiB default.
        maxSharedBytesPerBlock: 48 * 1024,
      };
    },
    alloc: (bytes) => ({ ptr: ctx.memAlloc(Math.max(4, bytes)), bytes }),
    free: (b) => ctx.memFree(b.ptr),
    upload: (b, data) => ctx.copyToDevice(b.ptr, data),
    download: (b, count) => {
      const out = new Float32Array(count);
      ctx.copyToHost(out, b.ptr);
      return out;
    },
    zero: (b) => ctx.fill32(b.ptr, 0, Math.floor(b.bytes / 4)),
    load(kernel: CompiledKernel): LoadedKernel {
      const program = cuda.CudaProgram.load(ctx, kernel.name, Buffer.from(kernel.image));
      program.function(kernel.name); // resolve now: a missing entry point is a load error
      return { name: kernel.name, program } as LoadedCudaKernel;
    },
    unload(kernel: LoadedKernel): void {
      (kernel as LoadedCudaKernel).program.dispose();
    },
    launch(kernel: LoadedKernel, dims: LaunchDims, args: readonly DeviceBuffer[]): void {
      (kernel as LoadedCudaKernel).program.launch(
        kernel.name,
        { grid: dims.grid, block: dims.block, sharedBytes: dims.sharedBytes },
        args.map((a) => cuda.arg.ptr(a.ptr)),
      );
    },
    time(fn: () => void, repeats: number): number[] {
      fn(); // warm-up
      ctx.synchronize();
      const out: number[] = [];
      const start = ctx.createEvent();
      const end = ctx.createEvent();
      try {
        for (let r = 0; r < repeats; r++) {
          ctx.recordEvent(start);
          fn();
          ctx.recordEvent(end);
          out.push(ctx.elapsedMs(start, end));
        }
      } finally {
        ctx.destroyEvent(start);
        ctx.destroyEvent(end);
      }
      return out;
    },
    synchronize: () => ctx.synchronize(),
  };

  return {
    device,
    builder,
    runner,
    ownsDevice,
    tensorBuffer(t: Tensor): DeviceBuffer {
      const c = cuda.asCuda(t);
      return { ptr: c.ptr, bytes: c.size * 4 };
    },
    dispose(): void {
      if (ownsDevice) device.dispose();
    },
  };
}
