import { mixSeed, seededRng } from '@unet3d/core';
import { describe, expect, it } from 'vitest';
import { ConfigSpace, nextPow2, powersOfTwo } from './space.js';

const space = new ConfigSpace(
  [
    { name: 'a', values: [1, 2, 4] },
    { name: 'b', values: [8, 16] },
    { name: 'c', values: [0, 1, 2, 3, 4] },
  ],
  (v) => (v['a']! * v['b']! > 32 ? 'a·b > 32' : undefined),
);

describe('ConfigSpace (mixed radix)', () => {
  it('decodes with the first knob least significant and round-trips', () => {
    expect(space.size).toBe(30);
    expect(space.decode(0)).toEqual({ a: 1, b: 8, c: 0 });
    expect(space.decode(1)).toEqual({ a: 2, b: 8, c: 0 });
    expect(space.decode(3)).toEqual({ a: 1, b: 16, c: 0 });
    expect(space.decode(6)).toEqual({ a: 1, b: 8, c: 1 });
    for (let i = 0; i < space.size; i++) expect(space.encode(space.decode(i))).toBe(i);
    expect(space.encode({ a: 3, b: 8, c: 0 })).toBeUndefined();
  });

  it('filters invalid configs and rejects out-of-range indices', () => {
    expect(space.isValid(space.encode({ a: 4, b: 16, c: 0 })!)).toBe(false);
    expect(space.invalidReason(space.encode({ a: 4, b: 16, c: 0 })!)).toBe('a·b > 32');
    expect(space.countValid(seededRng(mixSeed(1)))).toEqual({ count: 25, exact: true });
    expect(() => space.decode(30)).toThrow(/out of range/);
    expect(() => space.decode(-1)).toThrow(/out of range/);
  });

  it('random valid picks and mutations stay in the space; seeded runs repeat', () => {
    const pick = (seed: number) => {
      const rng = seededRng(mixSeed(seed));
      return Array.from({ length: 10 }, () => space.randomValid(rng)!);
    };
    expect(pick(5)).toEqual(pick(5));
    const rng = seededRng(mixSeed(9));
    for (let t = 0; t < 200; t++) {
      const i = space.randomValid(rng)!;
      expect(space.isValid(i)).toBe(true);
      const j = space.mutate(i, rng);
      expect(j).not.toBe(i);
      expect(j).toBeGreaterThanOrEqual(0);
      expect(j).toBeLessThan(space.size);
      const di = space.digits(i);
      const dj = space.digits(j);
      expect(di.filter((d, k) => d !== dj[k]).length).toBe(1);
    }
    const all = new Set(Array.from({ length: space.size }, (_, i) => i).filter((i) => space.isValid(i)));
    expect(space.randomValid(rng, all)).toBeUndefined();
  });

  it('fingerprints the candidates', () => {
    const same = new ConfigSpace(space.knobs);
    const other = new ConfigSpace([{ name: 'a', values: [1, 2] }]);
    expect(same.fingerprint).toBe(space.fingerprint);
    expect(other.fingerprint).not.toBe(space.fingerprint);
    expect(powersOfTwo(2, 16)).toEqual([2, 4, 8, 16]);
    expect(nextPow2(24)).toBe(32);
  });
});
