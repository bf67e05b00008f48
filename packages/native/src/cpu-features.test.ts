import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { detectCpuFeatures, parseCpuInfo } from './cpu-features.js';
import { profileSource } from './cpu-profile.js';

describe('parseCpuInfo', () => {
  it('reads the model name and flags of an x86 /proc/cpuinfo', () => {
    const info = parseCpuInfo(
      'processor\t: 0\nmodel name\t: AMD EPYC 7B13\nflags\t\t: fpu avx2 fma avx512f\n',
    );
    expect(info.modelName).toBe('AMD EPYC 7B13');
    expect([...info.flags]).toEqual(['fpu', 'avx2', 'fma', 'avx512f']);
  });
});

describe('detectCpuFeatures', () => {
  it('agrees with /proc/cpuinfo on this machine', () => {
    const f = detectCpuFeatures({ refresh: true });
    const flags = parseCpuInfo(readFileSync('/proc/cpuinfo', 'utf8')).flags;
    expect(f.avx512f).toBe(flags.has('avx512f'));
    expect(f.avx2).toBe(flags.has('avx2'));
    expect(f.vectorWidthFp32).toBe(flags.has('avx512f') ? 16 : flags.has('avx') ? 8 : 4);
    expect(f.slug).toMatch(/^cpu-[a-z0-9-]+-\d+c$/);
    expect(f.source).toBe('/proc/cpuinfo');
  });
});

describe('profileSource', () => {
  it('uses vectors of the requested width and reports 2·16·width FLOP per iteration', () => {
    const src = profileSource(8);
    expect(src).toContain('vector_size(32)');
    expect(src).toContain('return 256;');
  });
});
