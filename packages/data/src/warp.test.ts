import { createRng } from '@unet3d/core';
import { describe, expect, it } from 'vitest';
import { randomWarp, warpRow } from './warp.js';

describe('warpRow', () => {
  it('matches direct evaluation of the sinusoid sum', () => {
    const field = randomWarp(createRng(4), { amplitude: 3, wavelength: 40, termsPerAxis: 2 });
    const W = 200;
    const out = new Float64Array(3 * W);
    warpRow(field, 7, 11.5, W, out);
    const t = field.terms;
    for (const x of [0, 1, 57, 199]) {
      const direct = [0, 0, 0];
      for (let i = 0; i < field.count; i++) {
        const theta = t[6 * i + 1]! * 7 + t[6 * i + 2]! * 11.5 + t[6 * i + 3]! * (x + 0.5) + t[6 * i + 4]!;
        const c = t[6 * i]!;
        direct[c] = direct[c]! + t[6 * i + 5]! * Math.sin(theta);
      }
      for (let c = 0; c < 3; c++) expect(out[3 * x + c]).toBeCloseTo(direct[c]!, 9);
    }
  });
});
