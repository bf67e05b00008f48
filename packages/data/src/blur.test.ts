import type { Triple } from '@unet3d/core';
import { describe, expect, it } from 'vitest';
import { gaussianBlur3d, gaussianKernel } from './blur.js';

describe('gaussianBlur3d', () => {
  it('uses normalised kernels', () => {
    const k = gaussianKernel(1.3);
    expect(k.length).toBe(2 * 4 + 1);
    expect(k.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    expect(k[0]).toBeCloseTo(k[8]!, 15);
  });
  it('keeps a constant volume and the total of an interior impulse', () => {
    const shape: Triple = [5, 9, 9];
    const ones = new Float32Array(5 * 81).fill(2);
    expect(gaussianBlur3d(ones, shape, [0.5, 1, 1]).every((v) => Math.abs(v - 2) < 1e-6)).toBe(true);
    const impulse = new Float32Array(5 * 81);
    const c = (2 * 9 + 4) * 9 + 4;
    impulse[c] = 1;
    const b = gaussianBlur3d(impulse, shape, [0.4, 1, 1]);
    expect(b.reduce((a, v) => a + v, 0)).toBeCloseTo(1, 5);
    expect(b[c]!).toBeLessThan(1);
    expect(b[c - 1]).toBeCloseTo(b[c + 1]!, 7); // symmetric in x
    expect(b[c - 9]).toBeCloseTo(b[c - 1]!, 7); // same sigma in y and x
    expect(b[c - 81]!).toBeLessThan(b[c - 9]!); // smaller sigma in z
  });
  it('leaves an axis with sigma 0 untouched', () => {
    const data = Float32Array.from({ length: 2 * 3 * 4 }, (_, i) => i);
    expect([...gaussianBlur3d(data, [2, 3, 4], [0, 0, 0])]).toEqual([...data]);
  });
});
