import { describe, expect, it } from 'vitest';
import {
  type CpuIdentity,
  CpuIdentitySchema,
  cpuIdentityFromSlug,
  cpuMicroarch,
  describeIdentity,
  type GpuIdentity,
  identityDifferences,
  identitySlug,
  isaIncludes,
} from './device-identity.js';

const cpu = (over: Partial<CpuIdentity> = {}): CpuIdentity => ({
  kind: 'cpu',
  vendor: 'amd',
  microarch: 'zen3',
  family: 25,
  model: 1,
  isa: 'avx2',
  cores: 2,
  modelName: 'AMD EPYC 7B13',
  ...over,
});
const zen3 = cpu();
const zen4 = cpu({ microarch: 'zen4', model: 17, isa: 'avx512', modelName: 'AMD EPYC 9B14' });
const zen5 = cpu({ microarch: 'zen5', family: 26, model: 2, isa: 'avx512', modelName: 'AMD EPYC' });
/** A run from before identities: vendor from the name, no microarchitecture, family or model. */
const legacy = cpu({ microarch: null, family: null, model: null, isa: 'avx512', modelName: 'AMD EPYC' });
const h100: GpuIdentity = {
  kind: 'cuda',
  name: 'NVIDIA H100 80GB HBM3',
  sm: '9.0',
  memoryBytes: 85_520_809_984,
  driver: '580.159',
};

describe('identitySlug', () => {
  it('names vendor, microarchitecture, ISA level and cores of a CPU', () => {
    expect(identitySlug(zen3)).toBe('cpu-amd-zen3-avx2-2c');
    expect(identitySlug(zen5)).toBe('cpu-amd-zen5-avx512-2c');
    expect(identitySlug(cpu({ vendor: 'intel', microarch: 'sapphirerapids', isa: 'amx', cores: 8 }))).toBe(
      'cpu-intel-sapphirerapids-amx-8c',
    );
  });

  it('an unknown microarchitecture is f<family>m<model>, or left out when those are unknown too', () => {
    expect(identitySlug(cpu({ microarch: null, family: 25, model: 200, isa: 'avx512', cores: 4 }))).toBe(
      'cpu-amd-f25m200-avx512-4c',
    );
    expect(identitySlug(legacy)).toBe('cpu-amd-avx512-2c');
  });

  it('a GPU: its name in lowercase ASCII and dashes, then the compute capability; at most 64 characters', () => {
    expect(identitySlug(h100)).toBe('nvidia-h100-80gb-hbm3-sm90');
    expect(identitySlug({ ...h100, sm: null })).toBe('nvidia-h100-80gb-hbm3');
    const long = identitySlug({ ...h100, name: `NVIDIA ${'Very Long Name '.repeat(8)}` });
    expect(long.length).toBeLessThanOrEqual(64);
    expect(long).toMatch(/^nvidia-very-long-name-[a-z-]*[a-z]-sm90$/);
  });
});

describe('identityDifferences', () => {
  it('Zen 4 (AVX-512) baseline, Zen 3 (AVX2) now: the ISA level and the microarchitecture', () => {
    expect(identityDifferences(zen4, zen3)).toEqual([
      'AVX-512 in the baseline, AVX2 now',
      'microarchitecture zen4 in the baseline, zen3 now',
    ]);
  });

  it('the same device, or the same device with another model name: nothing', () => {
    expect(identityDifferences(zen3, { ...zen3 })).toEqual([]);
    expect(identityDifferences(zen3, { ...zen3, modelName: 'AMD EPYC' })).toEqual([]);
    expect(identityDifferences(h100, { ...h100 })).toEqual([]);
  });

  it('two legacy runs of the same vendor, ISA and cores match; a legacy run and a Zen 5 do not', () => {
    expect(identityDifferences(legacy, { ...legacy })).toEqual([]);
    expect(identityDifferences(legacy, zen5)).toEqual([
      'microarchitecture not recorded in the baseline, zen5 now',
    ]);
    expect(identityDifferences(zen5, legacy)).toEqual([
      'microarchitecture zen5 in the baseline, not recorded now',
    ]);
  });

  it('names vendor, cores, an unknown microarchitecture by family and model, and the device kind', () => {
    const intel = cpu({ vendor: 'intel', microarch: 'cascadelake', family: 6, model: 85, cores: 4 });
    expect(identityDifferences(zen3, intel)).toEqual([
      'vendor amd in the baseline, intel now',
      'microarchitecture zen3 in the baseline, cascadelake now',
      'cores 2 in the baseline, 4 now',
    ]);
    expect(identityDifferences(cpu({ microarch: null, model: 200 }), zen3)).toEqual([
      'microarchitecture family 25 model 200 in the baseline, zen3 now',
    ]);
    expect(identityDifferences(zen3, h100)).toEqual(['device kind cpu in the baseline, cuda now']);
  });

  it('GPUs: name, compute capability, memory and driver', () => {
    const a100: GpuIdentity = {
      kind: 'cuda',
      name: 'NVIDIA A100-SXM4-40GB',
      sm: '8.0',
      memoryBytes: 42_949_672_960,
      driver: '535.104',
    };
    expect(identityDifferences(h100, a100)).toEqual([
      "GPU 'NVIDIA H100 80GB HBM3' in the baseline, 'NVIDIA A100-SXM4-40GB' now",
      'compute capability sm 9.0 in the baseline, sm 8.0 now',
      'memory bytes 85520809984 in the baseline, 42949672960 now',
      'driver 580.159 in the baseline, 535.104 now',
    ]);
  });
});

describe('cpuIdentityFromSlug', () => {
  it('round-trips every CPU identity through its slug: the same slug, the same device', () => {
    const odd = cpu({ microarch: null, family: 25, model: 200, isa: 'avx512', cores: 4 });
    const arm = cpu({
      vendor: 'arm',
      microarch: 'neoversen1',
      family: null,
      model: null,
      isa: 'neon',
      cores: 64,
    });
    for (const id of [zen3, zen4, zen5, legacy, odd, arm]) {
      const slug = identitySlug(id);
      const back = cpuIdentityFromSlug(slug);
      expect(back, slug).toBeDefined();
      expect(CpuIdentitySchema.safeParse(back).success).toBe(true);
      expect(identitySlug(back!)).toBe(slug);
      expect(identityDifferences(id, back!), slug).toEqual([]);
    }
  });

  it('a slug carries family and model only where the microarchitecture is unknown', () => {
    expect(cpuIdentityFromSlug('cpu-amd-zen3-avx2-2c')).toEqual({
      kind: 'cpu',
      vendor: 'amd',
      microarch: 'zen3',
      family: null,
      model: null,
      isa: 'avx2',
      cores: 2,
      modelName: '',
    });
    expect(cpuIdentityFromSlug('cpu-amd-f25m200-avx512-4c')).toMatchObject({
      microarch: null,
      family: 25,
      model: 200,
      isa: 'avx512',
      cores: 4,
    });
  });

  it('a GPU slug or a folder from before identities is not a CPU identity', () => {
    expect(cpuIdentityFromSlug('nvidia-h100-80gb-hbm3-sm90')).toBeUndefined();
    expect(cpuIdentityFromSlug('cpu-amd-epyc-2c')).toBeUndefined();
    expect(cpuIdentityFromSlug('cpu-amd-zen3-avx3-2c')).toBeUndefined();
  });
});

describe('cpuMicroarch', () => {
  it('AMD family 17h/19h/1Ah models of real parts (AMD revision guides)', () => {
    const amd = (family: number, model: number) => cpuMicroarch('amd', family, model);
    expect(amd(23, 1)).toBe('zen'); // Naples
    expect(amd(23, 8)).toBe('zen'); // Zen+ (Pinnacle Ridge)
    expect(amd(23, 49)).toBe('zen2'); // Rome
    expect(amd(25, 1)).toBe('zen3'); // Milan
    expect(amd(25, 33)).toBe('zen3'); // Vermeer
    expect(amd(25, 80)).toBe('zen3'); // Cezanne
    expect(amd(25, 17)).toBe('zen4'); // Genoa
    expect(amd(25, 97)).toBe('zen4'); // Raphael
    expect(amd(25, 116)).toBe('zen4'); // Phoenix
    expect(amd(25, 160)).toBe('zen4'); // Bergamo
    expect(amd(26, 2)).toBe('zen5'); // Turin
    expect(amd(26, 68)).toBe('zen5'); // Granite Ridge
  });

  it('edges of the ranges, and what is not in the table', () => {
    const amd = (family: number, model: number) => cpuMicroarch('amd', family, model);
    expect([amd(25, 0x0f), amd(25, 0x10), amd(25, 0x1f), amd(25, 0x20)]).toEqual([
      'zen3',
      'zen4',
      'zen4',
      'zen3',
    ]);
    expect([amd(25, 0x5f), amd(25, 0x60), amd(25, 0xaf), amd(25, 0xb0)]).toEqual([
      'zen3',
      'zen4',
      'zen4',
      null,
    ]);
    expect([amd(23, 0x2f), amd(23, 0x30)]).toEqual(['zen', 'zen2']);
    expect(amd(21, 2)).toBeNull(); // Bulldozer family: not in the table
    expect(cpuMicroarch('amd', null, 1)).toBeNull();
    expect(cpuMicroarch('amd', 25, null)).toBeNull();
    expect(cpuMicroarch('unknown', 25, 1)).toBeNull();
  });

  it('Intel family 6: Cascade Lake is model 85 from stepping 5; other families are unknown', () => {
    const intel = (model: number, stepping: number | null = null) =>
      cpuMicroarch('intel', 6, model, stepping);
    expect([intel(85, 4), intel(85, 5), intel(85, 7), intel(85)]).toEqual([
      'skylakex',
      'cascadelake',
      'cascadelake',
      'skylakex',
    ]);
    expect(intel(143)).toBe('sapphirerapids');
    expect(intel(106)).toBe('icelakeserver');
    expect(intel(1)).toBeNull();
    expect(cpuMicroarch('intel', 15, 6)).toBeNull(); // NetBurst
  });

  it('Arm: the CPU part is the model', () => {
    expect(cpuMicroarch('arm', null, 0xd0c)).toBe('neoversen1');
    expect(cpuMicroarch('arm', null, 0xd40)).toBe('neoversev1');
    expect(cpuMicroarch('arm', null, 0x123)).toBeNull();
  });
});

describe('isaIncludes', () => {
  it('amx ⊇ avx512 ⊇ avx2 ⊇ sse, and not the other way', () => {
    const x86 = ['sse', 'avx2', 'avx512', 'amx'] as const;
    for (const [i, a] of x86.entries())
      for (const [j, b] of x86.entries()) expect(isaIncludes(a, b), `${a} ⊇ ${b}`).toBe(i >= j);
  });

  it('NEON and none include only themselves', () => {
    expect(isaIncludes('neon', 'neon')).toBe(true);
    expect(isaIncludes('neon', 'sse')).toBe(false);
    expect(isaIncludes('avx512', 'neon')).toBe(false);
    expect(isaIncludes('none', 'none')).toBe(true);
    expect(isaIncludes('sse', 'none')).toBe(false);
  });
});

describe('describeIdentity', () => {
  it('a CPU and a GPU in words', () => {
    expect(describeIdentity(zen3)).toBe('AMD zen3 (AVX2, 2 cores)');
    expect(describeIdentity(legacy)).toBe('AMD microarchitecture not recorded (AVX-512, 2 cores)');
    expect(describeIdentity(h100)).toBe('NVIDIA H100 80GB HBM3 (sm 9.0, 80 GiB, driver 580.159)');
  });
});
