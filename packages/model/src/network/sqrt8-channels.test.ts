import { describe, expect, it } from 'vitest';
import { MODEL_PRESETS } from './build-network.js';
import { levelConvCostRatios, sqrt8Channels } from './sqrt8-channels.js';

describe('sqrt8Channels', () => {
  it('multiplies by √8 and rounds at each level', () => {
    expect(sqrt8Channels({ base: 24, levels: 5 })).toEqual([24, 68, 192, 543, 1536]);
    expect(sqrt8Channels({ base: 16, levels: 3 })).toEqual([16, 45, 127]);
    expect(sqrt8Channels({ base: 8, levels: 1 })).toEqual([8]);
  });
  it('is close to the paper scaled net with a cap of 192', () => {
    const rule = sqrt8Channels({ base: 24, levels: 5, cap: 192 });
    expect(rule).toEqual([24, 68, 192, 192, 192]);
    expect(MODEL_PRESETS.scaled.channels).toEqual([24, 64, 192, 192, 192]);
    const r = levelConvCostRatios(rule);
    expect(r[1]).toBeCloseTo(1, 2);
    expect(r[2]).toBe(1);
    expect(levelConvCostRatios(MODEL_PRESETS.scaled.channels)[1]).toBeCloseTo(0.889, 3);
  });
  it('rejects bad options', () => {
    expect(() => sqrt8Channels({ base: 0, levels: 5 })).toThrow(/base/);
    expect(() => sqrt8Channels({ base: 24, levels: 0 })).toThrow(/levels/);
    expect(() => sqrt8Channels({ base: 24, levels: 5, cap: 10 })).toThrow(/cap/);
  });
});
