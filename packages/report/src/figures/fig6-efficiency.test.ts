import { describe, expect, it } from 'vitest';
import type { LayerPassStat } from '../layer-stats.js';
import { fig6Data, fig6Spec } from './fig6-efficiency.js';

const stat = (
  layer: string,
  order: number,
  pass: LayerPassStat['pass'],
  gflopPerSecond: number | null,
): LayerPassStat => ({
  layer,
  order,
  pass,
  macs: 1e9,
  bytes: null,
  medianMs: gflopPerSecond === null ? null : 2 / gflopPerSecond,
  gflopPerSecond,
  intensity: null,
});

const cudnn = {
  label: 'row 3 cudnn',
  stats: [
    stat('conv', 1, 'forward', 500),
    stat('embed', 0, 'forward', 300),
    stat('embed', 0, 'backwardData', null),
  ],
};
const tvm = {
  label: 'row 4 tvm',
  stats: [
    stat('embed', 0, 'forward', 450),
    stat('conv', 1, 'forward', 900),
    stat('conv', 1, 'backwardFilter', 700),
  ],
};

describe('fig6', () => {
  it('pairs the two implementations per layer and pass, in forward order, leaving untimed passes out', () => {
    const { layers, bars } = fig6Data([cudnn, tvm]);
    expect(layers).toEqual(['embed', 'conv']);
    expect(bars).toHaveLength(5);
    const at = (layer: string, pass: string) =>
      bars
        .filter((b) => b.layer === layer && b.pass === pass)
        .map((b) => [b.implementation, b.gflopPerSecond]);
    expect(at('embed', 'forward')).toEqual([
      ['row 3 cudnn', 300],
      ['row 4 tvm', 450],
    ]);
    expect(at('conv', 'forward')).toEqual([
      ['row 3 cudnn', 500],
      ['row 4 tvm', 900],
    ]);
    expect(at('embed', 'backward-data')).toEqual([]);
    expect(at('conv', 'backward-filter')).toEqual([['row 4 tvm', 700]]);
  });

  it('draws one grouped-bar panel per timed pass and names a missing implementation', () => {
    const spec = fig6Spec([cudnn, tvm], null, 'test') as unknown as {
      vconcat: { title: { text: string } }[];
    };
    expect(spec.vconcat.map((p) => p.title.text)).toEqual(['forward pass', 'backward-filter pass']);
    const json = JSON.stringify(
      fig6Spec([cudnn, { label: 'row 4 tvm', stats: 'row not-run: no tuning log' }], null, 't'),
    );
    expect(json).toContain('not shown: row 4 tvm: row not-run: no tuning log');
    expect(json).toContain('"xOffset":{"field":"implementation"');
  });
});
