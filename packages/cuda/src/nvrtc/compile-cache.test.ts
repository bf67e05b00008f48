import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CompileCache, compileCacheKey } from './compile-cache.js';

const base = {
  source: 'extern "C" __global__ void k() {}',
  arch: 'sm_90',
  options: ['-std=c++17'],
  compilerVersion: 'nvrtc 13.0',
};

describe('compileCacheKey', () => {
  it('is stable and changes with source, arch, options, option order and compiler version', () => {
    const k = compileCacheKey(base);
    expect(k).toMatch(/^[0-9a-f]{64}$/);
    expect(compileCacheKey({ ...base })).toBe(k);
    const variants = [
      { ...base, source: `${base.source} ` },
      { ...base, arch: 'sm_80' },
      { ...base, options: ['-std=c++17', '--use_fast_math'] },
      { ...base, options: ['-a', '-b'] },
      { ...base, options: ['-b', '-a'] },
      { ...base, compilerVersion: 'nvrtc 12.8' },
    ];
    const keys = new Set([k, ...variants.map(compileCacheKey)]);
    expect(keys.size).toBe(variants.length + 1);
  });

  it('does not collide when text moves between parts', () => {
    expect(compileCacheKey({ ...base, options: ['ab'], source: 'c' })).not.toBe(
      compileCacheKey({ ...base, options: ['a'], source: 'bc' }),
    );
  });
});

describe('CompileCache', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'unet3d-cc-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('round-trips binaries on disk and counts hits and misses', () => {
    const c = new CompileCache(path.join(dir, 'nested'));
    expect(c.get('abc')).toBeUndefined();
    c.put('abc', new Uint8Array([1, 2, 3]));
    expect([...(c.get('abc') ?? [])]).toEqual([1, 2, 3]);
    expect(c.hits).toBe(1);
    expect(c.misses).toBe(1);
    expect(readdirSync(path.join(dir, 'nested'))).toEqual(['abc.cubin']);
  });

  it('does nothing when disabled', () => {
    const c = new CompileCache(null);
    c.put('x', new Uint8Array([1]));
    expect(c.get('x')).toBeUndefined();
  });
});
