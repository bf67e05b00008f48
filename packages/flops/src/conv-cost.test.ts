import { convSpec, convWorkload } from '@unet3d/core';
import { describe, expect, it } from 'vitest';
import { arithmeticIntensity, passBytes } from './arithmetic-intensity.js';
import { convCost, convForwardMacs, convWeightCount } from './conv-cost.js';

describe('convCost', () => {
  it('counts a valid 3×3×3 conv on an odd patch, batch 2', () => {
    // out 3×5×7; MACs = N·Cout·out·Cin·27 = 2·4·105·3·27
    const w = convWorkload([2, 3, 5, 7, 9], 4, convSpec({ kernel: 3 }));
    expect(convForwardMacs(w)).toBe(68_040);
    const c = convCost(w);
    expect(c.params).toBe(4 * 3 * 27);
    for (const p of [c.forward, c.backwardData, c.backwardFilter]) {
      expect(p.macs).toBe(68_040);
      expect(p.flop).toBe(136_080);
    }
    const x = 2 * 3 * 5 * 7 * 9; // 1890
    const y = 2 * 4 * 3 * 5 * 7; // 840
    expect(c.forward).toMatchObject({ readElements: x + 324, writeElements: y });
    expect(c.backwardData).toMatchObject({ readElements: y + 324, writeElements: x });
    expect(c.backwardFilter).toMatchObject({ readElements: x + y, writeElements: 324 });
    expect(passBytes(c.forward, 'fp32')).toBe(4 * (x + 324 + y));
    expect(passBytes(c.forward, '16-bit')).toBe(2 * (x + 324 + y));
    expect(arithmeticIntensity(c.forward, 'fp32')).toBeCloseTo(136_080 / (4 * 3054), 12);
  });
  it('counts a (1,2,2)-strided 1×3×3 conv with padding', () => {
    // in 5×6×7 → out 5×3×4 = 60; MACs = 3·60·2·9
    const w = convWorkload(
      [1, 2, 5, 6, 7],
      3,
      convSpec({ kernel: [1, 3, 3], stride: [1, 2, 2], padding: [0, 1, 1] }),
    );
    expect(convForwardMacs(w)).toBe(3240);
    expect(convWeightCount(w)).toBe(54);
  });
  it('counts a transposed conv by its input: N·Cin·in·Cout·taps', () => {
    const w = convWorkload(
      [2, 4, 3, 2, 5],
      5,
      convSpec({ kernel: [1, 2, 2], stride: [1, 2, 2], transposed: true }),
    );
    expect(convForwardMacs(w)).toBe(2 * 4 * 30 * 5 * 4);
    const c = convCost(w);
    expect(c.backwardFilter.macs).toBe(4800);
    expect(c.forward.writeElements).toBe(2 * 5 * 3 * 4 * 10);
    expect(c.params).toBe(4 * 5 * 4);
  });
  it('counts the paper embedding at 64×128×128 exactly', () => {
    const w = convWorkload([1, 1, 64, 128, 128], 24, convSpec({ kernel: [1, 5, 5], padding: [0, 2, 2] }));
    expect(convForwardMacs(w)).toBe(64 * 128 * 128 * 24 * 25);
  });
});
