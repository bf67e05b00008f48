import { z } from 'zod';

/**
 * Who a device is, not what it is called. Two CPUs that print the same model name ("AMD EPYC") can be a Zen 3
 * with AVX2 and a Zen 5 with AVX-512; results, tuning logs, the native build cache and the gate key on this.
 * Sources: AutoTVM keys records by the full target (`llvm -mcpu=znver3`); asv's machine.json; MLPerf's system
 * description.
 */

/** Instruction-set level the kernels may use, widest first: amx ⊃ avx512 ⊃ avx2 ⊃ sse (x86-64); neon (arm64). */
export const ISA_LEVELS = ['amx', 'avx512', 'avx2', 'sse', 'neon', 'none'] as const;
export type IsaLevel = (typeof ISA_LEVELS)[number];

export const CpuIdentitySchema = z.object({
  kind: z.literal('cpu'),
  /** 'amd', 'intel', 'arm', 'apple', ... (lowercase); 'unknown' when not readable. */
  vendor: z.string().min(1),
  /** Microarchitecture from family/model (x86) or implementer/part (arm), e.g. 'zen3', 'zen5', 'sapphirerapids'; null when not recorded or not in our table. */
  microarch: z.string().min(1).nullable(),
  /** x86 CPUID family and model (decimal); null elsewhere or when not recorded. */
  family: z.number().int().nonnegative().nullable(),
  model: z.number().int().nonnegative().nullable(),
  /** The ISA level the kernels take (after any UNET3D_CPU_FEATURES override). */
  isa: z.enum(ISA_LEVELS),
  /** Logical cores used. */
  cores: z.number().int().positive(),
  /** The model name as the OS prints it (not part of the comparison: a name is not an identity). */
  modelName: z.string(),
});

export const GpuIdentitySchema = z.object({
  kind: z.literal('cuda'),
  /** As the driver names it, e.g. 'NVIDIA H100 80GB HBM3'. */
  name: z.string().min(1),
  /** Compute capability, e.g. '9.0'. */
  sm: z.string().nullable(),
  /** Device memory, bytes. */
  memoryBytes: z.number().nonnegative().nullable(),
  /** Driver version, e.g. '580.159'. */
  driver: z.string().nullable(),
});

export const DeviceIdentitySchema = z.discriminatedUnion('kind', [CpuIdentitySchema, GpuIdentitySchema]);

export type CpuIdentity = z.infer<typeof CpuIdentitySchema>;
export type GpuIdentity = z.infer<typeof GpuIdentitySchema>;
export type DeviceIdentity = z.infer<typeof DeviceIdentitySchema>;

type Range = readonly [lo: number, hi: number, name: string];

/** AMD family 17h–1Ah model ranges (AMD's revision guides; Linux arch/x86 cpu tables). */
const AMD_MODELS: Record<number, readonly Range[]> = {
  23: [
    [0x00, 0x2f, 'zen'],
    [0x30, 0xff, 'zen2'],
  ],
  25: [
    [0x00, 0x0f, 'zen3'],
    [0x10, 0x1f, 'zen4'],
    [0x20, 0x5f, 'zen3'],
    [0x60, 0xaf, 'zen4'],
  ],
  26: [[0x00, 0xff, 'zen5']],
};

/** Intel family 6 models (Intel SDM vol. 4 table 2-1; Linux intel-family.h). */
const INTEL_MODELS: Record<number, string> = {
  60: 'haswell',
  63: 'haswell',
  69: 'haswell',
  70: 'haswell',
  61: 'broadwell',
  71: 'broadwell',
  79: 'broadwell',
  86: 'broadwell',
  78: 'skylake',
  94: 'skylake',
  85: 'skylakex',
  142: 'kabylake',
  158: 'kabylake',
  102: 'cannonlake',
  106: 'icelakeserver',
  108: 'icelakeserver',
  125: 'icelake',
  126: 'icelake',
  140: 'tigerlake',
  141: 'tigerlake',
  143: 'sapphirerapids',
  207: 'emeraldrapids',
  173: 'graniterapids',
  174: 'graniterapids',
  151: 'alderlake',
  154: 'alderlake',
  183: 'raptorlake',
  186: 'raptorlake',
  191: 'raptorlake',
  170: 'meteorlake',
  172: 'meteorlake',
  175: 'sierraforest',
  197: 'arrowlake',
  198: 'arrowlake',
  189: 'lunarlake',
};

/** Arm implementer 0x41 parts (Arm's TRMs). */
const ARM_PARTS: Record<number, string> = {
  3336: 'cortexa72',
  3340: 'neoversen1',
  3392: 'neoversev1',
  3401: 'neoversen2',
  3407: 'neoversev2',
  3460: 'neoversev3',
  3470: 'neoversen3',
};

/**
 * Microarchitecture from the vendor and CPUID family/model (x86; decimal as /proc/cpuinfo prints them), or
 * from the Arm part number (pass it as `model`, family null). Cascade Lake shares Skylake-X's model (85) and is
 * told apart by stepping ≥ 5. Unknown: null (the slug then carries family and model instead).
 */
export function cpuMicroarch(
  vendor: string,
  family: number | null,
  model: number | null,
  stepping: number | null = null,
): string | null {
  if (model === null) return null;
  if (vendor === 'amd' && family !== null) {
    const hit = (AMD_MODELS[family] ?? []).find(([lo, hi]) => model >= lo && model <= hi);
    return hit?.[2] ?? null;
  }
  if (vendor === 'intel' && family === 6) {
    const name = INTEL_MODELS[model] ?? null;
    if (name === 'skylakex' && stepping !== null && stepping >= 5) return 'cascadelake';
    return name;
  }
  if (vendor === 'arm') return ARM_PARTS[model] ?? null;
  return null;
}

/** Vendor from /proc/cpuinfo's vendor_id or CPU implementer, lowercase. */
export function cpuVendor(vendorId: string | undefined, modelName = ''): string {
  const v = (vendorId ?? '').trim();
  if (v === 'AuthenticAMD' || v === 'HygonGenuine') return v === 'HygonGenuine' ? 'hygon' : 'amd';
  if (v === 'GenuineIntel') return 'intel';
  if (v === '0x41') return 'arm';
  if (v === '0x61') return 'apple';
  if (v === '0xc0') return 'ampere';
  const m = modelName.toLowerCase();
  for (const name of ['amd', 'intel', 'apple', 'ampere', 'arm']) if (m.includes(name)) return name;
  return 'unknown';
}

/** The widest ISA level a set of /proc/cpuinfo flags allows (x86), or neon on arm64. */
export function isaLevelOf(flags: ReadonlySet<string>, arch: string): IsaLevel {
  if (arch === 'arm64' || flags.has('asimd') || flags.has('neon')) return 'neon';
  if (flags.has('avx512f') && flags.has('amx_tile') && flags.has('amx_bf16')) return 'amx';
  if (flags.has('avx512f')) return 'avx512';
  if (flags.has('avx2') && flags.has('fma')) return 'avx2';
  if (flags.has('sse2') || arch === 'x64') return 'sse';
  return 'none';
}

const X86_ORDER: readonly IsaLevel[] = ['sse', 'avx2', 'avx512', 'amx'];

/** Whether ISA level `a` includes everything of `b` (amx ⊇ avx512 ⊇ avx2 ⊇ sse). */
export function isaIncludes(a: IsaLevel, b: IsaLevel): boolean {
  if (a === b) return true;
  const ia = X86_ORDER.indexOf(a);
  const ib = X86_ORDER.indexOf(b);
  return ia >= 0 && ib >= 0 && ia >= ib;
}

const clean = (s: string): string =>
  s
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');

/**
 * The results folder name of an identity: `cpu-<vendor>-<microarch>-<isa>-<cores>c` (e.g.
 * `cpu-amd-zen3-avx2-2c`; an unknown microarchitecture is `f<family>m<model>`, or absent), and for a GPU its
 * name and compute capability (`nvidia-h100-80gb-hbm3-sm90`). Lowercase ASCII, digits and dashes, ≤ 64 chars.
 */
export function identitySlug(id: DeviceIdentity): string {
  if (id.kind === 'cuda') {
    const sm = id.sm ? `-sm${id.sm.replace('.', '')}` : '';
    return `${clean(id.name)
      .slice(0, 64 - sm.length)
      .replace(/-+$/, '')}${sm}`;
  }
  const arch =
    id.microarch ?? (id.family !== null && id.model !== null ? `f${id.family}m${id.model}` : undefined);
  const parts = ['cpu', clean(id.vendor), arch ? clean(arch) : undefined, id.isa].filter(Boolean);
  return `${parts.join('-')}-${id.cores}c`;
}

/** One identity in words, for a line: `AMD zen3 (AVX2, 2 cores)`, `NVIDIA H100 80GB HBM3 (sm 9.0, 80 GiB, driver 580.159)`. */
export function describeIdentity(id: DeviceIdentity): string {
  if (id.kind === 'cuda') {
    const gib = id.memoryBytes !== null ? `${Math.round(id.memoryBytes / 1024 ** 3)} GiB` : 'memory ?';
    return `${id.name} (sm ${id.sm ?? '?'}, ${gib}, driver ${id.driver ?? '?'})`;
  }
  const arch =
    id.microarch ??
    (id.family !== null ? `family ${id.family} model ${id.model}` : 'microarchitecture not recorded');
  return `${id.vendor.toUpperCase()} ${arch} (${ISA_WORDS[id.isa]}, ${id.cores} cores)`;
}

const ISA_WORDS: Record<IsaLevel, string> = {
  amx: 'AMX + AVX-512',
  avx512: 'AVX-512',
  avx2: 'AVX2',
  sse: 'SSE only',
  neon: 'NEON',
  none: 'no SIMD',
};

/**
 * What differs between two identities, one phrase each, baseline first (`AVX-512 in the baseline, AVX2 now`).
 * Empty when they are the same device. The model name is not compared (it is not an identity); an unknown
 * microarchitecture differs from every known one (a run that did not record it cannot be shown to match).
 */
export function identityDifferences(baseline: DeviceIdentity, current: DeviceIdentity): string[] {
  const was = (a: string, b: string, what: string) => `${what} ${a} in the baseline, ${b} now`;
  if (baseline.kind !== current.kind) return [was(baseline.kind, current.kind, 'device kind')];
  const out: string[] = [];
  if (baseline.kind === 'cpu' && current.kind === 'cpu') {
    if (baseline.vendor !== current.vendor) out.push(was(baseline.vendor, current.vendor, 'vendor'));
    if (baseline.isa !== current.isa)
      out.push(`${ISA_WORDS[baseline.isa]} in the baseline, ${ISA_WORDS[current.isa]} now`);
    // A run from before identities recorded no microarchitecture: two such runs are compared on the rest, but
    // one cannot be shown to match a run that recorded it.
    const arch = (i: CpuIdentity): string | null =>
      i.microarch ?? (i.family !== null ? `family ${i.family} model ${i.model}` : null);
    const a = arch(baseline);
    const b = arch(current);
    if ((a !== null || b !== null) && a !== b)
      out.push(was(a ?? 'not recorded', b ?? 'not recorded', 'microarchitecture'));
    if (baseline.cores !== current.cores)
      out.push(was(String(baseline.cores), String(current.cores), 'cores'));
    return out;
  }
  if (baseline.kind === 'cuda' && current.kind === 'cuda') {
    if (baseline.name !== current.name) out.push(was(`'${baseline.name}'`, `'${current.name}'`, 'GPU'));
    if (baseline.sm !== current.sm)
      out.push(was(`sm ${baseline.sm ?? '?'}`, `sm ${current.sm ?? '?'}`, 'compute capability'));
    if (baseline.memoryBytes !== current.memoryBytes)
      out.push(was(String(baseline.memoryBytes ?? '?'), String(current.memoryBytes ?? '?'), 'memory bytes'));
    if (baseline.driver !== current.driver)
      out.push(was(baseline.driver ?? '?', current.driver ?? '?', 'driver'));
  }
  return out;
}

/** Distance between two CPU identities for transfer learning (smaller is nearer; Infinity: other kind). */
export function identityDistance(a: DeviceIdentity, b: DeviceIdentity): number {
  if (a.kind !== b.kind) return Number.POSITIVE_INFINITY;
  if (a.kind === 'cuda' || b.kind === 'cuda') {
    const ga = a as GpuIdentity;
    const gb = b as GpuIdentity;
    return (ga.sm === gb.sm ? 0 : 100) + (ga.name === gb.name ? 0 : 10);
  }
  let d = 0;
  if (a.vendor !== b.vendor) d += 100;
  if (a.isa !== b.isa) d += isaIncludes(a.isa, b.isa) || isaIncludes(b.isa, a.isa) ? 30 : 1000;
  if (a.microarch !== b.microarch || a.microarch === null) d += 10;
  d += Math.abs(Math.log2(a.cores) - Math.log2(b.cores));
  return d;
}

const SLUG = /^cpu-([a-z0-9]+)-(?:([a-z0-9]+)-)?(amx|avx512|avx2|sse|neon|none)-(\d+)c$/;

/**
 * The CPU identity a slug names (`cpu-amd-zen4-avx512-2c`), for folders of tuning logs; undefined for a slug
 * that is not of that form (a GPU, or a folder from before identities: `cpu-amd-epyc-2c`).
 */
export function cpuIdentityFromSlug(slug: string): CpuIdentity | undefined {
  const m = SLUG.exec(slug);
  if (!m) return undefined;
  const fm = m[2] ? /^f(\d+)m(\d+)$/.exec(m[2]) : null;
  return {
    kind: 'cpu',
    vendor: m[1]!,
    microarch: m[2] && !fm ? m[2] : null,
    family: fm ? Number(fm[1]) : null,
    model: fm ? Number(fm[2]) : null,
    isa: m[3] as IsaLevel,
    cores: Number(m[4]),
    modelName: '',
  };
}
