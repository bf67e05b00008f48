import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import type {
  BuildOptions,
  BuildResult,
  CompiledKernel,
  KernelBuilder,
  KernelBuildRequest,
} from './kernel-interfaces.js';

/** Find nvcc on PATH or under the usual CUDA prefixes; undefined when absent. */
export function findNvcc(pathEnv: string = process.env['PATH'] ?? ''): string | undefined {
  const dirs = [...pathEnv.split(delimiter), '/usr/local/cuda/bin'];
  for (const d of dirs) {
    if (!d) continue;
    const p = join(d, 'nvcc');
    if (existsSync(p)) return p;
  }
  return undefined;
}

export interface PtxasFigures {
  registers: number;
  spillStoreBytes: number;
  spillLoadBytes: number;
}

/** Parse `ptxas -v` output into figures per entry function. */
export function parsePtxasVerbose(log: string): Map<string, PtxasFigures> {
  const out = new Map<string, PtxasFigures>();
  let current: string | undefined;
  for (const line of log.split('\n')) {
    const fn = /Function properties for (\S+)/.exec(line) ?? /Compiling entry function '([^']+)'/.exec(line);
    if (fn) {
      current = fn[1]!;
      if (!out.has(current)) out.set(current, { registers: 0, spillStoreBytes: 0, spillLoadBytes: 0 });
      continue;
    }
    if (!current) continue;
    const f = out.get(current)!;
    const spill = /(\d+) bytes spill stores, (\d+) bytes spill loads/.exec(line);
    if (spill) {
      f.spillStoreBytes = Number(spill[1]);
      f.spillLoadBytes = Number(spill[2]);
    }
    const regs = /Used (\d+) registers/.exec(line);
    if (regs) f.registers = Number(regs[1]);
  }
  return out;
}

interface RunOutcome {
  code: number | null;
  timedOut: boolean;
  stderr: string;
  stdout: string;
  spawnError?: string;
}

function run(cmd: string, args: string[], timeoutMs: number): Promise<RunOutcome> {
  return new Promise((resolve) => {
    execFile(
      cmd,
      args,
      { timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: 64 << 20 },
      (err, stdout, stderr) => {
        const e = err as (NodeJS.ErrnoException & { killed?: boolean; code?: number | string }) | null;
        resolve({
          code: e ? (typeof e.code === 'number' ? e.code : null) : 0,
          timedOut: Boolean(e?.killed),
          stdout: String(stdout),
          stderr: String(stderr),
          ...(e && typeof e.code === 'string' ? { spawnError: `${e.code}: ${e.message}` } : {}),
        });
      },
    );
  });
}

export interface NvccBuilderOptions {
  nvcc?: string;
  /** Kernels per nvcc invocation (amortises start-up). */
  batchSize?: number;
  /** nvcc processes at once. */
  concurrency?: number;
  /** Keep the cubin bytes (else the image is empty: a compile check only). */
  keepImage?: boolean;
}

/**
 * Builds kernels with the local `nvcc -cubin -Xptxas -v`: the CPU-side compile check (no GPU needed) and a
 * source of register/spill figures. Several kernels share one invocation; a batch that fails is retried
 * kernel by kernel so errors are attributed.
 */
export class NvccBuilder implements KernelBuilder {
  readonly description: string;
  private readonly nvcc: string;
  private readonly batchSize: number;
  private readonly concurrency: number;
  private readonly keepImage: boolean;

  constructor(options: NvccBuilderOptions = {}) {
    const nvcc = options.nvcc ?? findNvcc();
    if (!nvcc) throw new Error('nvcc not found on PATH or in /usr/local/cuda/bin');
    this.nvcc = nvcc;
    this.batchSize = options.batchSize ?? 8;
    this.concurrency = options.concurrency ?? 2;
    this.keepImage = options.keepImage ?? false;
    this.description = `nvcc (${nvcc})`;
  }

  async buildMany(requests: readonly KernelBuildRequest[], options: BuildOptions): Promise<BuildResult[]> {
    const batches: number[][] = [];
    for (let i = 0; i < requests.length; i += this.batchSize) {
      batches.push(Array.from({ length: Math.min(this.batchSize, requests.length - i) }, (_, j) => i + j));
    }
    const results: BuildResult[] = new Array(requests.length);
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < batches.length) {
        const batch = batches[next++]!;
        const items = batch.map((i) => requests[i]!);
        let out = await this.buildBatch(items, options);
        if (items.length > 1 && out.some((r) => !r.ok && r.kind !== 'host')) {
          out = [];
          for (const item of items) out.push(...(await this.buildBatch([item], options)));
        }
        batch.forEach((i, j) => {
          results[i] = out[j]!;
        });
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.concurrency, batches.length) }, worker));
    return results;
  }

  private async buildBatch(
    items: readonly KernelBuildRequest[],
    options: BuildOptions,
  ): Promise<BuildResult[]> {
    const dir = await mkdtemp(join(tmpdir(), 'unet3d-tvm-nvcc-'));
    try {
      const cu = join(dir, 'kernels.cu');
      const cubin = join(dir, 'kernels.cubin');
      await writeFile(cu, items.map((r) => r.source).join('\n'));
      const args = [`-arch=sm_${options.arch}`, '-cubin', '-Xptxas', '-v', '-o', cubin, cu];
      // Timeout scales with the batch: the budget is per kernel.
      const res = await run(this.nvcc, args, options.timeoutMs * items.length);
      if (res.spawnError) return items.map(() => ({ ok: false, kind: 'host', message: res.spawnError! }));
      if (res.timedOut) {
        return items.map(() => ({
          ok: false,
          kind: 'timeout',
          message: `nvcc exceeded ${options.timeoutMs} ms/kernel`,
        }));
      }
      if (res.code !== 0) {
        const msg =
          res.stderr
            .split('\n')
            .filter((l) => /error/i.test(l))
            .slice(0, 5)
            .join('\n') || res.stderr;
        return items.map(() => ({ ok: false, kind: 'compile', message: msg.slice(0, 2000) }));
      }
      const figures = parsePtxasVerbose(res.stderr);
      const image = this.keepImage ? new Uint8Array(await readFile(cubin)) : new Uint8Array(0);
      return items.map((r): BuildResult => {
        const f = figures.get(r.name);
        const kernel: CompiledKernel = {
          name: r.name,
          image,
          ...(f
            ? { registers: f.registers, spillStoreBytes: f.spillStoreBytes, spillLoadBytes: f.spillLoadBytes }
            : {}),
        };
        return { ok: true, kernel };
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
}
