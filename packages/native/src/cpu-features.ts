import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError } from '@unet3d/core';
import {
  type CpuIdentity,
  cpuMicroarch,
  cpuVendor,
  type IsaLevel,
  identitySlug,
  isaIncludes,
  isaLevelOf,
} from '@unet3d/results';
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
  /** Who this CPU is: vendor, microarchitecture, ISA level (after the override), cores. */
  readonly identity: CpuIdentity;
  /** results/<slug>/ name of this CPU: its identity's slug, e.g. 'cpu-amd-zen3-avx2-2c'. */
  readonly slug: string;
  /** Where the flags came from. */
  readonly source: '/proc/cpuinfo' | 'compiler probe' | 'none';
  /** The ISA level the hardware has, and the override that narrowed it (UNET3D_CPU_FEATURES), if any. */
  readonly hardwareIsa: IsaLevel;
  readonly override: IsaLevel | null;
}

/** What /proc/cpuinfo says of the first processor (pure; exported for tests). */
export interface CpuInfoText {
  modelName: string;
  flags: Set<string>;
  /** vendor_id (x86) or CPU implementer (arm, e.g. '0x41'). */
  vendorId: string | undefined;
  /** cpu family / model / stepping (x86, decimal), or CPU part as model (arm). */
  family: number | null;
  model: number | null;
  stepping: number | null;
}

/** Features and identity fields from the text of /proc/cpuinfo (pure; exported for tests). */
export function parseCpuInfo(text: string): CpuInfoText {
  const field = (re: RegExp): string | undefined => re.exec(text)?.[1]?.trim();
  const model = field(/^(?:model name|Model|Hardware|cpu model)\s*:\s*(.+)$/m) ?? '';
  const flagLine = /^(?:flags|Features)\s*:\s*(.*)$/m.exec(text)?.[1] ?? '';
  const num = (v: string | undefined): number | null => {
    if (v === undefined || v === '') return null;
    const n = v.startsWith('0x') ? Number.parseInt(v, 16) : Number(v);
    return Number.isFinite(n) ? n : null;
  };
  const armPart = field(/^CPU part\s*:\s*(\S+)$/m);
  return {
    modelName: model,
    flags: new Set(flagLine.split(/\s+/).filter(Boolean)),
    vendorId: field(/^vendor_id\s*:\s*(\S+)$/m) ?? field(/^CPU implementer\s*:\s*(\S+)$/m),
    family: num(field(/^cpu family\s*:\s*(\S+)$/m)),
    model: armPart !== undefined ? num(armPart) : num(field(/^model\s*:\s*(\d+)$/m)),
    stepping: num(field(/^stepping\s*:\s*(\d+)$/m)),
  };
}

/**
 * Whether a /proc/cpuinfo flag belongs to an x86 ISA level above `level`, so an override to `level` removes
 * it: every AVX-512 subset (`avx512f`, `avx512_vnni`, `avx512ifma`, …) and every AMX flag above avx2; AVX,
 * AVX2, FMA, F16C and AVX-VNNI too above sse.
 */
function aboveLevel(flag: string, level: IsaLevel): boolean {
  const amx = flag.startsWith('amx');
  const avx512 = flag.startsWith('avx512');
  const avx = flag.startsWith('avx') || flag === 'fma' || flag === 'f16c';
  if (level === 'avx512') return amx;
  if (level === 'avx2') return amx || avx512;
  if (level === 'sse') return amx || avx512 || avx;
  return false;
}

/**
 * The ISA override from UNET3D_CPU_FEATURES (`avx2`, `avx512`, `sse`, `amx`; empty or unset: none): the
 * kernels, the templates' limits and the identity then take that level on a CPU that has at least it (an AVX2
 * path tested on an AVX-512 machine). Throws ConfigError for an unknown level or one this CPU lacks.
 */
export function isaOverride(value: string | undefined, hardware: IsaLevel): IsaLevel | null {
  const v = (value ?? '').trim().toLowerCase();
  if (!v) return null;
  const known: readonly IsaLevel[] = ['amx', 'avx512', 'avx2', 'sse'];
  if (!(known as readonly string[]).includes(v)) {
    throw new ConfigError(
      `UNET3D_CPU_FEATURES='${value}' is not an ISA level`,
      `use one of ${known.join(', ')} (or unset it for what this CPU has: ${hardware})`,
    );
  }
  const level = v as IsaLevel;
  if (!isaIncludes(hardware, level)) {
    throw new ConfigError(
      `UNET3D_CPU_FEATURES=${level} asks for more than this CPU has (${hardware})`,
      `use ${hardware} or a narrower level, or unset UNET3D_CPU_FEATURES`,
    );
  }
  return level === hardware ? null : level;
}

/** Extra compiler flags that keep `-march=native` code within an overridden ISA level (gcc and clang). */
export function isaLimitFlags(features: Pick<CpuFeatures, 'override'>): string[] {
  switch (features.override) {
    case 'avx512':
      return ['-mno-amx-tile', '-mno-amx-int8', '-mno-amx-bf16'];
    case 'avx2':
      return ['-mno-avx512f', '-mno-amx-tile', '-mno-amx-int8', '-mno-amx-bf16'];
    case 'sse':
      return ['-mno-avx', '-mno-avx512f', '-mno-fma', '-mno-amx-tile', '-mno-amx-int8', '-mno-amx-bf16'];
    default:
      return [];
  }
}

/** Where the facts of a CpuInfoText came from, and the process facts the features need. */
export interface CpuFacts {
  /** Node's process.arch of the machine the text describes: 'x64', 'arm64', ... */
  readonly arch: string;
  /** Logical cores available to the process. */
  readonly cores: number;
  readonly source?: CpuFeatures['source'];
  /** The raw UNET3D_CPU_FEATURES value (validated by isaOverride); unset or empty: no override. */
  readonly override?: string | undefined;
}

/**
 * The features and identity of a CPU from what its /proc/cpuinfo says (pure: no file, no process state), then
 * narrowed to the ISA level `facts.override` names. Throws ConfigError for an override that is not an ISA
 * level or asks for more than the flags allow (see isaOverride).
 */
export function cpuFeaturesFromInfo(info: CpuInfoText, facts: CpuFacts): CpuFeatures {
  const { arch, cores } = facts;
  const hardwareIsa = isaLevelOf(info.flags, arch);
  const override = isaOverride(facts.override, hardwareIsa);
  const flags = override ? new Set([...info.flags].filter((f) => !aboveLevel(f, override))) : info.flags;
  const modelName = info.modelName || 'unknown CPU';
  const vendor = cpuVendor(info.vendorId, info.modelName);
  const identity: CpuIdentity = {
    kind: 'cpu',
    vendor,
    microarch: cpuMicroarch(vendor, info.family, info.model, info.stepping),
    family: info.family,
    model: info.model,
    isa: override ?? hardwareIsa,
    cores,
    modelName,
  };
  const has = (f: string): boolean => flags.has(f);
  const avx512f = has('avx512f');
  const avx = has('avx') || has('avx2');
  return {
    arch,
    modelName,
    cores,
    avx2: has('avx2'),
    fma: has('fma'),
    avx512f,
    avx512bw: has('avx512bw'),
    avx512vnni: has('avx512_vnni') || has('avx512vnni'),
    avx512bf16: has('avx512_bf16') || has('avx512bf16'),
    amx: has('amx_tile') && has('amx_bf16'),
    neon: arch === 'arm64' || has('neon') || has('asimd'),
    vectorWidthFp32: avx512f ? 16 : avx ? 8 : 4,
    identity,
    slug: identitySlug(identity),
    source: facts.source ?? '/proc/cpuinfo',
    hardwareIsa,
    override,
  };
}

/** What the hardware says (read once per process: the CPU does not change under a running process). */
let hardware: { info: CpuInfoText; source: CpuFeatures['source'] } | undefined;

function readHardware(compiler: CCompiler | undefined): { info: CpuInfoText; source: CpuFeatures['source'] } {
  const osModel = os.cpus()[0]?.model.trim() ?? '';
  let info: CpuInfoText = {
    modelName: osModel,
    flags: new Set(),
    vendorId: undefined,
    family: null,
    model: null,
    stepping: null,
  };
  let source: CpuFeatures['source'] = 'none';
  try {
    const parsed = parseCpuInfo(readFileSync('/proc/cpuinfo', 'utf8'));
    info = { ...parsed, modelName: osModel || parsed.modelName };
    if (parsed.flags.size > 0) source = '/proc/cpuinfo';
  } catch {
    /* not Linux: probe below */
  }
  if (source === 'none' && process.arch === 'x64') {
    const probed = probeWithCompiler(compiler);
    if (probed) {
      info = { ...info, flags: probed };
      source = 'compiler probe';
    }
  }
  return { info, source };
}

/**
 * This CPU's vector features and identity: from /proc/cpuinfo on Linux, else by compiling and running a probe
 * that asks `__builtin_cpu_supports` (x86, gcc/clang), else all false; then narrowed to the ISA level of
 * UNET3D_CPU_FEATURES (read from `options.env`, default process.env, on every call, so a change of the
 * variable is seen by the next call: the kernels, the templates' limits and the native build flags agree).
 * The hardware is read once per process (again with `refresh`). Throws ConfigError for a bad override.
 */
export function detectCpuFeatures(
  options: {
    compiler?: CCompiler;
    refresh?: boolean;
    env?: Readonly<Record<string, string | undefined>>;
  } = {},
): CpuFeatures {
  if (!hardware || options.refresh) hardware = readHardware(options.compiler);
  return cpuFeaturesFromInfo(hardware.info, {
    arch: process.arch,
    cores: os.availableParallelism(),
    source: hardware.source,
    override: (options.env ?? process.env)['UNET3D_CPU_FEATURES'],
  });
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
