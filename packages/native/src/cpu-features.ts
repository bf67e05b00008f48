import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { deviceSlug } from '@unet3d/results';
import { type CCompiler, findCompiler } from './compiler.js';

/** What this CPU can do, detected at run time (machines differ between sessions). */
export interface CpuFeatures {
  /** Node's process.arch: 'x64', 'arm64', ... */
  readonly arch: string;
  readonly modelName: string;
  /** Logical cores available to this process. */
  readonly cores: number;
  readonly avx2: boolean;
  readonly fma: boolean;
  readonly avx512f: boolean;
  readonly avx512bw: boolean;
  readonly avx512vnni: boolean;
  readonly avx512bf16: boolean;
  /** Intel AMX tiles (amx_tile + amx_bf16). */
  readonly amx: boolean;
  readonly neon: boolean;
  /** fp32 lanes of the widest vector unit: 16 (AVX-512), 8 (AVX/AVX2), 4 (SSE, NEON, other). */
  readonly vectorWidthFp32: 16 | 8 | 4;
  /** results/<slug>/ name of this machine (same rule as @unet3d/results' deviceSlug), e.g. 'cpu-amd-epyc-2c'. */
  readonly slug: string;
  /** Where the flags came from. */
  readonly source: '/proc/cpuinfo' | 'compiler probe' | 'none';
}

/** Features from the text of /proc/cpuinfo (pure; exported for tests). */
export function parseCpuInfo(text: string): { modelName: string; flags: Set<string> } {
  const model = /^(?:model name|Model|Hardware|cpu model)\s*:\s*(.+)$/m.exec(text)?.[1]?.trim() ?? '';
  const flagLine = /^(?:flags|Features)\s*:\s*(.*)$/m.exec(text)?.[1] ?? '';
  return { modelName: model, flags: new Set(flagLine.split(/\s+/).filter(Boolean)) };
}

let detected: CpuFeatures | undefined;

/**
 * This CPU's vector features: from /proc/cpuinfo on Linux, else by compiling and running a probe that asks
 * `__builtin_cpu_supports` (x86, gcc/clang), else all false. Cached for the process.
 */
export function detectCpuFeatures(options: { compiler?: CCompiler; refresh?: boolean } = {}): CpuFeatures {
  if (detected && !options.refresh) return detected;
  const cores = os.availableParallelism();
  const osModel = os.cpus()[0]?.model.trim() ?? '';
  let flags = new Set<string>();
  let modelName = osModel;
  let source: CpuFeatures['source'] = 'none';
  try {
    const info = parseCpuInfo(readFileSync('/proc/cpuinfo', 'utf8'));
    if (info.flags.size > 0) {
      flags = info.flags;
      source = '/proc/cpuinfo';
    }
    modelName = modelName || info.modelName;
  } catch {
    /* not Linux: probe below */
  }
  if (source === 'none' && process.arch === 'x64') {
    const probed = probeWithCompiler(options.compiler);
    if (probed) {
      flags = probed;
      source = 'compiler probe';
    }
  }
  const has = (f: string): boolean => flags.has(f);
  const neon = process.arch === 'arm64' || has('neon') || has('asimd');
  const avx512f = has('avx512f');
  const avx = has('avx') || has('avx2');
  const features: CpuFeatures = {
    arch: process.arch,
    modelName: modelName || 'unknown CPU',
    cores,
    avx2: has('avx2'),
    fma: has('fma'),
    avx512f,
    avx512bw: has('avx512bw'),
    avx512vnni: has('avx512_vnni') || has('avx512vnni'),
    avx512bf16: has('avx512_bf16') || has('avx512bf16'),
    amx: has('amx_tile') && has('amx_bf16'),
    neon,
    vectorWidthFp32: avx512f ? 16 : avx ? 8 : 4,
    // The CPU device names itself from os.cpus(); the slug follows the same name so results/ folders agree.
    slug: deviceSlug({ kind: 'cpu', name: osModel || modelName || 'unknown', cores: os.cpus().length }),
    source,
  };
  detected = features;
  return features;
}

const PROBE_FLAGS = [
  'avx2',
  'fma',
  'avx512f',
  'avx512bw',
  'avx512vnni',
  'avx512bf16',
  'amx-tile',
  'amx-bf16',
];

function probeWithCompiler(given?: CCompiler): Set<string> | undefined {
  let compiler: CCompiler;
  try {
    compiler = given ?? findCompiler();
  } catch {
    return undefined;
  }
  const dir = mkdtempSync(path.join(os.tmpdir(), 'unet3d-cpuid-'));
  try {
    const body = PROBE_FLAGS.map((f) => `  if (__builtin_cpu_supports("${f}")) puts("${f}");`).join('\n');
    writeFileSync(
      path.join(dir, 'p.c'),
      `#include <stdio.h>\nint main(void) {\n  __builtin_cpu_init();\n${body}\n  return 0;\n}\n`,
    );
    const exe = path.join(dir, 'p');
    const c = spawnSync(compiler.path, ['-O0', '-o', exe, path.join(dir, 'p.c')], { timeout: 30_000 });
    if (c.status !== 0) return undefined;
    const r = spawnSync(exe, [], { encoding: 'utf8', timeout: 10_000 });
    if (r.status !== 0) return undefined;
    // Map the builtin's names to /proc/cpuinfo's.
    const rename: Record<string, string> = {
      avx512vnni: 'avx512_vnni',
      avx512bf16: 'avx512_bf16',
      'amx-tile': 'amx_tile',
      'amx-bf16': 'amx_bf16',
    };
    return new Set(
      r.stdout
        .split('\n')
        .filter(Boolean)
        .map((f) => rename[f] ?? f),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
