import { describe, expect, it } from 'vitest';
import { createRng, fnv1a32, mixSeed, seededRng } from './seeded-rng.js';

describe('createRng', () => {
  it('is deterministic per seed and differs across seeds', () => {
    const draw = (seed: number) => Array.from({ length: 8 }, createRng(seed).next);
    expect(draw(7)).toEqual(draw(7));
    expect(draw(7)).not.toEqual(draw(8));
    expect(mixSeed(1)).not.toBe(mixSeed(2));
    expect(mixSeed(1, 1)).not.toBe(mixSeed(1, 2));
  });
  it('draws uniform values in [0, 1) and integers in [0, n)', () => {
    const rng = createRng(1);
    for (let i = 0; i < 1000; i++) {
      const u = rng.next();
      expect(u).toBeGreaterThanOrEqual(0);
      expect(u).toBeLessThan(1);
      const k = rng.int(5);
      expect(Number.isInteger(k) && k >= 0 && k < 5).toBe(true);
    }
  });
  it('draws standard normals', () => {
    const rng = createRng(3);
    const n = 20000;
    let s = 0;
    let ss = 0;
    for (let i = 0; i < n; i++) {
      const x = rng.normal();
      s += x;
      ss += x * x;
    }
    expect(Math.abs(s / n)).toBeLessThan(0.03);
    expect(Math.abs(ss / n - 1)).toBeLessThan(0.05);
  });
  it('names streams by FNV-1a: the published test vectors, and stream n of seed s', () => {
    // FNV-1a 32-bit test vectors (Fowler–Noll–Vo reference: "" and "a").
    expect(fnv1a32('')).toBe(0x811c9dc5);
    expect(fnv1a32('a')).toBe(0xe40c292c);
    const draw = (r: { next(): number }) => Array.from({ length: 4 }, () => r.next());
    expect(draw(createRng(5, 'w'))).toEqual(draw(seededRng(mixSeed(5, fnv1a32('w')))));
    expect(draw(createRng(5))).toEqual(draw(seededRng(mixSeed(5, 0))));
    expect(draw(createRng(5, 'w'))).not.toEqual(draw(createRng(5, 'v')));
  });
  it('rejects a non-integer seed', () => {
    expect(() => createRng(1.5)).toThrow(/integer/);
  });
});
