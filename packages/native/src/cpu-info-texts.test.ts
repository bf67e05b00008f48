import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ConfigError } from '@unet3d/core';
import type { CpuIdentity } from '@unet3d/results';
import { describe, expect, it } from 'vitest';
import { type CpuFeatures, cpuFeaturesFromInfo, isaLimitFlags, parseCpuInfo } from './cpu-features.js';

/** /proc/cpuinfo texts of real machines (fixtures/cpuinfo/README.md says which). */
const text = (name: string): string =>
  readFileSync(fileURLToPath(new URL(`../fixtures/cpuinfo/${name}.txt`, import.meta.url)), 'utf8');

interface Case {
  file: string;
  arch: string;
  cores: number;
  identity: Omit<CpuIdentity, 'kind'>;
  slug: string;
  features: Partial<CpuFeatures>;
}

// Expected values from the vendors' tables (AMD family 19h models 00h–0Fh Zen 3, 10h–1Fh Zen 4, family 1Ah
// Zen 5; Intel family 6 model 85 stepping ≥ 5 Cascade Lake, below Skylake-SP, model 143 Sapphire Rapids;
// Arm part 0xd0c Neoverse N1), and from the flags each text lists.
const CASES: Case[] = [
  {
    file: 'zen3-epyc-7b13-2c',
    arch: 'x64',
    cores: 2,
    identity: {
      vendor: 'amd',
      microarch: 'zen3',
      family: 25,
      model: 1,
      isa: 'avx2',
      cores: 2,
      modelName: 'AMD EPYC 7B13',
    },
    slug: 'cpu-amd-zen3-avx2-2c',
    features: {
      avx2: true,
      fma: true,
      avx512f: false,
      avx512bw: false,
      amx: false,
      neon: false,
      vectorWidthFp32: 8,
    },
  },
  {
    file: 'zen4-epyc-9b14-4c',
    arch: 'x64',
    cores: 4,
    identity: {
      vendor: 'amd',
      microarch: 'zen4',
      family: 25,
      model: 17,
      isa: 'avx512',
      cores: 4,
      modelName: 'AMD EPYC 9B14',
    },
    slug: 'cpu-amd-zen4-avx512-4c',
    features: {
      avx512f: true,
      avx512bw: true,
      avx512vnni: true,
      avx512bf16: true,
      amx: false,
      vectorWidthFp32: 16,
    },
  },
  {
    file: 'zen5-epyc-2c',
    arch: 'x64',
    cores: 2,
    identity: {
      vendor: 'amd',
      microarch: 'zen5',
      family: 26,
      model: 2,
      isa: 'avx512',
      cores: 2,
      modelName: 'AMD EPYC',
    },
    slug: 'cpu-amd-zen5-avx512-2c',
    features: { avx512f: true, avx512vnni: true, avx512bf16: true, vectorWidthFp32: 16 },
  },
  {
    file: 'sapphirerapids-xeon-8481c-4c',
    arch: 'x64',
    cores: 4,
    identity: {
      vendor: 'intel',
      microarch: 'sapphirerapids',
      family: 6,
      model: 143,
      isa: 'amx',
      cores: 4,
      modelName: 'Intel(R) Xeon(R) Platinum 8481C CPU @ 2.70GHz',
    },
    slug: 'cpu-intel-sapphirerapids-amx-4c',
    features: { amx: true, avx512f: true, avx512bf16: true, vectorWidthFp32: 16 },
  },
  {
    file: 'cascadelake-xeon-2c',
    arch: 'x64',
    cores: 2,
    identity: {
      vendor: 'intel',
      microarch: 'cascadelake',
      family: 6,
      model: 85,
      isa: 'avx512',
      cores: 2,
      modelName: 'Intel(R) Xeon(R) CPU @ 2.80GHz',
    },
    slug: 'cpu-intel-cascadelake-avx512-2c',
    features: { avx512f: true, avx512vnni: true, avx512bf16: false, vectorWidthFp32: 16 },
  },
  {
    file: 'skylakex-xeon-2c',
    arch: 'x64',
    cores: 2,
    identity: {
      vendor: 'intel',
      microarch: 'skylakex',
      family: 6,
      model: 85,
      isa: 'avx512',
      cores: 2,
      modelName: 'Intel(R) Xeon(R) CPU @ 2.00GHz',
    },
    slug: 'cpu-intel-skylakex-avx512-2c',
    features: { avx512f: true, avx512vnni: false, vectorWidthFp32: 16 },
  },
  {
    file: 'neoverse-n1-graviton2-2c',
    arch: 'arm64',
    cores: 2,
    // No model name line on arm64; the CPU part is the model (0xd0c = 3340).
    identity: {
      vendor: 'arm',
      microarch: 'neoversen1',
      family: null,
      model: 0xd0c,
      isa: 'neon',
      cores: 2,
      modelName: 'unknown CPU',
    },
    slug: 'cpu-arm-neoversen1-neon-2c',
    features: { neon: true, avx2: false, avx512f: false, vectorWidthFp32: 4 },
  },
];

describe('parseCpuInfo', () => {
  it('reads the model name and flags of an x86 /proc/cpuinfo', () => {
    const info = parseCpuInfo(
      'processor\t: 0\nmodel name\t: AMD EPYC 7B13\nflags\t\t: fpu avx2 fma avx512f\n',
    );
    expect(info.modelName).toBe('AMD EPYC 7B13');
    expect([...info.flags]).toEqual(['fpu', 'avx2', 'fma', 'avx512f']);
  });

  it('reads vendor, family, model and stepping of the first processor (x86) and the CPU part (arm)', () => {
    expect(parseCpuInfo(text('cascadelake-xeon-2c'))).toMatchObject({
      vendorId: 'GenuineIntel',
      family: 6,
      model: 85,
      stepping: 7,
    });
    expect(parseCpuInfo(text('zen3-epyc-7b13-2c'))).toMatchObject({
      vendorId: 'AuthenticAMD',
      family: 25,
      model: 1,
    });
    const arm = parseCpuInfo(text('neoverse-n1-graviton2-2c'));
    expect(arm).toMatchObject({ vendorId: '0x41', family: null, model: 3340, stepping: null, modelName: '' });
    expect(arm.flags.has('asimd')).toBe(true);
  });
});

describe('cpuFeaturesFromInfo on /proc/cpuinfo texts', () => {
  it.each(CASES)('$file: $slug', (c) => {
    const f = cpuFeaturesFromInfo(parseCpuInfo(text(c.file)), { arch: c.arch, cores: c.cores });
    expect(f.identity).toEqual({ kind: 'cpu', ...c.identity });
    expect(f.slug).toBe(c.slug);
    expect(f).toMatchObject({ ...c.features, hardwareIsa: c.identity.isa, override: null, cores: c.cores });
  });

  it('Cascade Lake and Skylake-X share family 6 model 85 and differ by stepping (7 and 4)', () => {
    const at = (file: string) => cpuFeaturesFromInfo(parseCpuInfo(text(file)), { arch: 'x64', cores: 2 });
    expect(parseCpuInfo(text('skylakex-xeon-2c')).stepping).toBe(4);
    expect(at('cascadelake-xeon-2c').identity.microarch).toBe('cascadelake');
    expect(at('skylakex-xeon-2c').identity.microarch).toBe('skylakex');
  });

  it('an avx2 override on Zen 5 hardware: 8 lanes, no AVX-512 flag, AVX2 in the identity and slug', () => {
    const f = cpuFeaturesFromInfo(parseCpuInfo(text('zen5-epyc-2c')), {
      arch: 'x64',
      cores: 2,
      override: 'avx2',
    });
    expect(f).toMatchObject({
      vectorWidthFp32: 8,
      avx2: true,
      fma: true,
      avx512f: false,
      avx512bw: false,
      avx512vnni: false,
      avx512bf16: false,
      hardwareIsa: 'avx512',
      override: 'avx2',
      slug: 'cpu-amd-zen5-avx2-2c',
    });
    expect(f.identity).toMatchObject({ isa: 'avx2', microarch: 'zen5' });
    expect(isaLimitFlags(f)).toContain('-mno-avx512f');
  });

  it('an avx512 override on Sapphire Rapids drops AMX only; sse on Zen 3 drops AVX and FMA', () => {
    const spr = cpuFeaturesFromInfo(parseCpuInfo(text('sapphirerapids-xeon-8481c-4c')), {
      arch: 'x64',
      cores: 4,
      override: 'avx512',
    });
    expect(spr).toMatchObject({
      amx: false,
      avx512f: true,
      vectorWidthFp32: 16,
      slug: 'cpu-intel-sapphirerapids-avx512-4c',
    });
    const sse = cpuFeaturesFromInfo(parseCpuInfo(text('zen3-epyc-7b13-2c')), {
      arch: 'x64',
      cores: 2,
      override: 'sse',
    });
    expect(sse).toMatchObject({ avx2: false, fma: false, vectorWidthFp32: 4, slug: 'cpu-amd-zen3-sse-2c' });
  });

  it('an override wider than the hardware is a ConfigError naming both levels', () => {
    const zen3 = parseCpuInfo(text('zen3-epyc-7b13-2c'));
    expect(() => cpuFeaturesFromInfo(zen3, { arch: 'x64', cores: 2, override: 'avx512' })).toThrow(
      ConfigError,
    );
    expect(() => cpuFeaturesFromInfo(zen3, { arch: 'x64', cores: 2, override: 'avx512' })).toThrow(
      /avx512 asks for more than this CPU has \(avx2\)/,
    );
  });
});
