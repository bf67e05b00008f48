import { readFileSync } from 'node:fs';
import { ConfigError } from '@unet3d/core';
import { isaIncludes, isaLevelOf } from '@unet3d/results';
import { describe, expect, it } from 'vitest';
import { detectCpuFeatures, isaLimitFlags, isaOverride, parseCpuInfo } from './cpu-features.js';
import { profileSource } from './cpu-profile.js';

describe('isaOverride', () => {
  it('narrows to a level the hardware has; the hardware level itself or nothing is no override', () => {
    expect(isaOverride('avx2', 'avx512')).toBe('avx2');
    expect(isaOverride(' AVX2 ', 'amx')).toBe('avx2');
    expect(isaOverride('sse', 'avx2')).toBe('sse');
    expect(isaOverride('avx512', 'avx512')).toBeNull();
    expect(isaOverride('', 'avx512')).toBeNull();
    expect(isaOverride(undefined, 'avx2')).toBeNull();
  });

  it('a wider level than the hardware, or an unknown word, is a one-line ConfigError with the fix', () => {
    const caught = (value: string, hw: Parameters<typeof isaOverride>[1]): ConfigError => {
      try {
        isaOverride(value, hw);
      } catch (e) {
        return e as ConfigError;
      }
      throw new Error(`isaOverride('${value}', '${hw}') did not throw`);
    };
    const wider = caught('avx512', 'avx2');
    expect(wider).toBeInstanceOf(ConfigError);
    expect(wider.toOneLine()).toMatch(/UNET3D_CPU_FEATURES=avx512 .*\(avx2\).*use avx2 or a narrower level/);
    const bogus = caught('bogus', 'avx512');
    expect(bogus).toBeInstanceOf(ConfigError);
    expect(bogus.toOneLine()).toMatch(/'bogus' is not an ISA level.*amx, avx512, avx2, sse/);
    expect(bogus.toOneLine()).not.toContain('\n');
    expect(caught('avx2', 'neon')).toBeInstanceOf(ConfigError); // no x86 level on an arm CPU
  });

  it('isaLimitFlags: nothing without an override, -mno-avx512f under avx2, -mno-avx under sse', () => {
    expect(isaLimitFlags({ override: null })).toEqual([]);
    expect(isaLimitFlags({ override: 'avx2' })).toContain('-mno-avx512f');
    expect(isaLimitFlags({ override: 'avx512' })).not.toContain('-mno-avx512f');
    expect(isaLimitFlags({ override: 'sse' })).toEqual(expect.arrayContaining(['-mno-avx', '-mno-fma']));
  });
});

const hardware = isaLevelOf(parseCpuInfo(readFileSync('/proc/cpuinfo', 'utf8')).flags, process.arch);

describe('detectCpuFeatures', () => {
  it('agrees with /proc/cpuinfo on this machine (no override)', () => {
    const f = detectCpuFeatures({ refresh: true, env: {} });
    const flags = parseCpuInfo(readFileSync('/proc/cpuinfo', 'utf8')).flags;
    expect(f.avx512f).toBe(flags.has('avx512f'));
    expect(f.avx2).toBe(flags.has('avx2'));
    expect(f.vectorWidthFp32).toBe(flags.has('avx512f') ? 16 : flags.has('avx') ? 8 : 4);
    expect(f.slug).toMatch(/^cpu-[a-z0-9-]+-\d+c$/);
    expect(f.source).toBe('/proc/cpuinfo');
    expect(f).toMatchObject({ hardwareIsa: hardware, override: null });
  });

  it.skipIf(!isaIncludes(hardware, 'avx2'))(
    `UNET3D_CPU_FEATURES=avx2 gives the AVX2 path on this machine (needs AVX2; this CPU: ${hardware})`,
    () => {
      const f = detectCpuFeatures({ refresh: true, env: { UNET3D_CPU_FEATURES: 'avx2' } });
      expect(f).toMatchObject({ vectorWidthFp32: 8, avx512f: false, avx2: true, hardwareIsa: hardware });
      expect(f.identity.isa).toBe('avx2');
      expect(f.slug).toContain('-avx2-');
    },
  );

  it.skipIf(!isaIncludes(hardware, 'avx512'))(
    `a change of UNET3D_CPU_FEATURES in process.env is seen by the next call (needs AVX-512; this CPU: ${hardware})`,
    () => {
      const before = process.env['UNET3D_CPU_FEATURES'];
      try {
        delete process.env['UNET3D_CPU_FEATURES'];
        expect(detectCpuFeatures().vectorWidthFp32).toBe(16);
        process.env['UNET3D_CPU_FEATURES'] = 'avx2';
        expect(detectCpuFeatures()).toMatchObject({ vectorWidthFp32: 8, override: 'avx2' });
      } finally {
        if (before === undefined) delete process.env['UNET3D_CPU_FEATURES'];
        else process.env['UNET3D_CPU_FEATURES'] = before;
      }
    },
  );
});

describe('profileSource', () => {
  it('uses vectors of the requested width and reports 2·16·width FLOP per iteration', () => {
    const src = profileSource(8);
    expect(src).toContain('vector_size(32)');
    expect(src).toContain('return 256;');
  });
});
