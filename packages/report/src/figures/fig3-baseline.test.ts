import { describe, expect, it } from 'vitest';
import type { LayerPassStat } from '../layer-stats.js';
import { fig3Data } from './fig3-baseline.js';

const stat = (
  layer: string,
  pass: LayerPassStat['pass'],
  macs: number,
  medianMs: number | null,
): LayerPassStat => ({
  layer,
  order: 0,
  pass,
  macs,
  bytes: null,
  medianMs,
  gflopPerSecond: null,
  intensity: null,
});

describe('fig3Data', () => {
  it('groups passes into forward, backward and total; rates use only timed passes', () => {
    const { layers, data } = fig3Data([
      stat('embed', 'forward', 1e9, 1),
      stat('embed', 'backwardData', 1e9, null),
      stat('embed', 'backwardFilter', 1e9, 2),
      stat('conv', 'forward', 2e9, 4),
    ]);
    expect(layers).toEqual(['embed', 'conv']);
    const backward = data.find((d) => d.layer === 'embed' && d.series === 'backward')!;
    expect(backward.gflop).toBe(4);
    expect(backward.timeMs).toBe(2);
    expect(backward.gflopPerSecond).toBeCloseTo(1000, 9);
    const total = data.find((d) => d.layer === 'embed' && d.series === 'total')!;
    expect(total).toMatchObject({ gflop: 6, timeMs: 3 });
    expect(total.gflopPerSecond).toBeCloseTo(4 / 0.003, 9);
    expect(data.filter((d) => d.layer === 'conv').map((d) => d.series)).toEqual(['forward', 'total']);
  });
});
