// TEMPORARY shim of @unet3d/native's API (being written on branch `native`); replaced by a re-export at merge.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';

export class CompileError extends Error {}
export class NativeUnavailableError extends Error {}
export interface CpuFeatures {
  readonly modelName: string;
  readonly cores: number;
  readonly avx2: boolean;
  readonly avx512f: boolean;
  readonly neon: boolean;
  readonly vectorWidthFp32: 16 | 8 | 4;
  readonly slug: string;
}
export function detectCpuFeatures(): CpuFeatures {
  const t = readFileSync('/proc/cpuinfo', 'utf8');
  const flags = new Set((/^flags\s*:\s*(.*)$/m.exec(t)?.[1] ?? '').split(/\s+/));
  const model = /^model name\s*:\s*(.+)$/m.exec(t)?.[1] ?? 'cpu';
  const cores = os.availableParallelism();
  return {
    modelName: model,
    cores,
    avx2: flags.has('avx2'),
    avx512f: flags.has('avx512f'),
    neon: false,
    vectorWidthFp32: flags.has('avx512f') ? 16 : flags.has('avx2') ? 8 : 4,
    slug: `cpu-${model.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '')}-${cores}c`,
  };
}
export async function buildSharedObject(
  req: { name: string; source: string; flags?: string[]; openmp?: boolean },
  options: { cacheDir?: string; timeoutMs?: number } = {},
): Promise<{ path: string; cached: boolean; buildMs: number; key: string }> {
  const t0 = performance.now();
  const flags = [...(req.flags ?? ['-O3', '-march=native']), '-fPIC', '-shared', ...(req.openmp ? ['-fopenmp'] : [])];
  const key = createHash('sha256').update(req.source).update(flags.join(' ')).digest('hex');
  const dir = options.cacheDir ?? path.join(os.homedir(), '.cache', 'unet3d', 'native');
  mkdirSync(dir, { recursive: true });
  const out = path.join(dir, `${req.name}-${key.slice(0, 24)}.so`);
  if (existsSync(out)) return { path: out, cached: true, buildMs: performance.now() - t0, key };
  const src = `${out}.${process.pid}.c`;
  writeFileSync(src, req.source);
  await new Promise<void>((resolve, reject) => {
    execFile(process.env['CC'] ?? 'gcc', [...flags, '-o', `${out}.tmp`, src], { timeout: options.timeoutMs ?? 120_000 }, (err, _o, stderr) => {
      rmSync(src, { force: true });
      if (err) reject(new CompileError(`building '${req.name}' failed: ${String(stderr).split('\n').find((l) => /error/.test(l)) ?? err.message}`));
      else resolve();
    });
  });
  renameSync(`${out}.tmp`, out);
  return { path: out, cached: false, buildMs: performance.now() - t0, key };
}
export function loadLibrary(file: string) {
  const require = createRequire(path.resolve(import.meta.dirname, '../../../../cuda/package.json'));
  const koffi = require('koffi');
  const handle = koffi.load(file);
  return { path: file, handle, func: (proto: string) => handle.func(proto), unload: () => handle.unload() };
}

export async function buildMany(
  reqs: readonly { name: string; source: string; flags?: string[]; openmp?: boolean }[],
  options: { cacheDir?: string; timeoutMs?: number; parallelism?: number } = {},
): Promise<({ ok: true; name: string; path: string; cached: boolean; buildMs: number; key: string } | { ok: false; name: string; error: string; cause: unknown })[]> {
  const out: any[] = new Array(reqs.length);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < reqs.length; i = next++) {
      try { out[i] = { ok: true, name: reqs[i]!.name, ...(await buildSharedObject(reqs[i]!, options)) }; }
      catch (e) { out[i] = { ok: false, name: reqs[i]!.name, error: (e as Error).message, cause: e }; }
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.parallelism ?? 2, reqs.length) }, worker));
  return out;
}
export function findCompiler(): { path: string; version: string; supportsOpenMp: boolean } {
  return { path: process.env['CC'] ?? 'gcc', version: '12', supportsOpenMp: true };
}
