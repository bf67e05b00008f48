import { CU_FUNC_ATTRIBUTE } from '../driver/driver-api.js';
import { getKoffi } from '../library/koffi.js';
import type { CudaContext } from './context.js';
import { type KernelArg, packKernelArgs, writeParamPointers } from './kernel-args.js';
import type { LaunchDims } from './launch-geometry.js';

const SCRATCH_BYTES = 4096;
const POINTERS_AT = 2048;

/** A kernel inside a loaded module. */
export interface CudaFunction {
  readonly name: string;
  readonly handle: bigint;
  /** Registers per thread and local (spill) bytes, as the driver reports. */
  readonly registers: number;
  readonly localBytes: number;
}

/**
 * A loaded cubin (cuModuleLoadData) and its kernels (cuModuleGetFunction), launched with typed arguments
 * (cuLaunchKernel). Arguments are packed into a native scratch block; the driver copies them at launch,
 * so the block is reused for every launch.
 */
export class CudaProgram {
  readonly module: bigint;
  private readonly functions = new Map<string, CudaFunction>();
  private readonly scratch: bigint;
  private readonly view: DataView;
  private disposed = false;

  private constructor(
    readonly ctx: CudaContext,
    readonly name: string,
    cubin: Uint8Array,
  ) {
    const d = ctx.driver;
    this.module =
      d.out<bigint | null>(`cuModuleLoadData(${name})`, (o) => d.api.cuModuleLoadData(o, cubin), null) ?? 0n;
    const koffi = getKoffi();
    this.scratch = koffi.alloc('uint8_t', SCRATCH_BYTES) as bigint;
    this.view = new DataView(koffi.view(this.scratch, SCRATCH_BYTES));
  }

  static load(ctx: CudaContext, name: string, cubin: Uint8Array): CudaProgram {
    return new CudaProgram(ctx, name, cubin);
  }

  function(name: string): CudaFunction {
    const known = this.functions.get(name);
    if (known) return known;
    const d = this.ctx.driver;
    const handle =
      d.out<bigint | null>(
        `cuModuleGetFunction(${this.name}:${name})`,
        (o) => d.api.cuModuleGetFunction(o, this.module, name),
        null,
      ) ?? 0n;
    const attr = (a: number) =>
      d.out<number>('cuFuncGetAttribute', (o) => d.api.cuFuncGetAttribute(o, a, handle), 0);
    const fn: CudaFunction = {
      name,
      handle,
      registers: attr(CU_FUNC_ATTRIBUTE.NUM_REGS),
      localBytes: attr(CU_FUNC_ATTRIBUTE.LOCAL_SIZE_BYTES),
    };
    this.functions.set(name, fn);
    return fn;
  }

  /** Queue `name` on the context's stream. */
  launch(name: string, dims: LaunchDims, args: readonly KernelArg[]): void {
    const fn = this.function(name);
    const packed = packKernelArgs(args, new DataView(this.view.buffer, 0, POINTERS_AT));
    writeParamPointers(this.scratch, packed.offsets, this.view, POINTERS_AT);
    const paramsPtr = args.length ? this.scratch + BigInt(POINTERS_AT) : null;
    const [gx, gy, gz] = dims.grid;
    const [bx, by, bz] = dims.block;
    if (gx === 0 || gy === 0 || gz === 0) return; // nothing to do
    this.ctx.driver.check(
      this.ctx.driver.api.cuLaunchKernel(
        fn.handle,
        gx,
        gy,
        gz,
        bx,
        by,
        bz,
        dims.sharedBytes,
        this.ctx.stream,
        paramsPtr,
        null,
      ),
      `cuLaunchKernel(${this.name}:${name})`,
    );
  }

  /** Time one launch with events on the stream, in ms. */
  async timeLaunch(name: string, dims: LaunchDims, args: readonly KernelArg[]): Promise<number> {
    return (await this.ctx.time(() => this.launch(name, dims, args))).ms;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.ctx.driver.check(this.ctx.driver.api.cuModuleUnload(this.module), 'cuModuleUnload');
    getKoffi().free(this.scratch);
  }
}
