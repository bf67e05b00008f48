import type { NvrtcCompiler } from '../nvrtc/compiler.js';
import type { CudaContext } from '../runtime/context.js';
import { CudaProgram } from '../runtime/program.js';
import type { KernelSource } from './kernels/kernel-source.js';

/** Compiles each kernel file once (NVRTC, disk-cached) and keeps the loaded module. */
export class KernelCache {
  private readonly programs = new Map<string, CudaProgram>();
  /** Per file: whether the cubin came from the disk cache. */
  readonly compiled: { name: string; cached: boolean }[] = [];

  constructor(
    private readonly ctx: CudaContext,
    private readonly compiler: NvrtcCompiler,
  ) {}

  get(source: KernelSource): CudaProgram {
    const known = this.programs.get(source.name);
    if (known) return known;
    const result = this.compiler.compile({ name: source.name, source: source.source }, this.ctx.arch);
    const program = CudaProgram.load(this.ctx, source.name, result.cubin);
    this.programs.set(source.name, program);
    this.compiled.push({ name: source.name, cached: result.cached });
    return program;
  }

  dispose(): void {
    for (const p of this.programs.values()) p.dispose();
    this.programs.clear();
  }
}
