import { buildNetwork, MODEL_NAMES } from '@unet3d/model';
import { paperGflop, relativeToPaper } from '@unet3d/paper';
import { describe, expect, it } from 'vitest';
import { getDeviceProfile } from './device-profiles.js';
import { networkCost } from './network-cost.js';
import { paperElementwiseTerm } from './paper-elementwise-term.js';
import { networkRoofline } from './roofline.js';

describe('networkCost at the paper patch (1×64×128×128)', () => {
  const exact = { baseline: 430_177_370_112, strided: 96_899_198_976, scaled: 211_098_009_600 };
  for (const model of MODEL_NAMES) {
    it(`reproduces Table 1 GFLOP for ${model} within ±0.5%`, () => {
      const { totals } = networkCost(buildNetwork({ model }));
      const macs = totals.forwardMacs + totals.backwardDataMacs + totals.backwardFilterMacs;
      expect(macs).toBe(exact[model]);
      expect(totals.backwardDataMacs).toBe(totals.forwardMacs);
      expect(totals.backwardFilterMacs).toBe(totals.forwardMacs);
      expect(Math.abs(relativeToPaper(model, totals.paperGmac))).toBeLessThan(0.005);
      expect(totals.iterationFlop).toBe(2 * macs + totals.elementwiseFlop);
      expect(totals.elementwiseFlop).toBeGreaterThan(0);
    });
    it(`the fitted element-wise term gives the printed figure for ${model}`, () => {
      const net = buildNetwork({ model });
      const gflop = (exact[model] + paperElementwiseTerm(net)) / 1e9;
      expect(gflop.toFixed(2)).toBe(paperGflop(model).toFixed(2));
    });
  }
  it('drops only the first layer data gradient when asked', () => {
    const net = buildNetwork({ model: 'strided' });
    const a = networkCost(net).totals;
    const b = networkCost(net, { includeInputDataGradient: false }).totals;
    expect(a.backwardDataMacs - b.backwardDataMacs).toBe(64 * 64 * 64 * 24 * 25);
  });
});

describe('networkCost on a tiny patch', () => {
  it('sums layers exactly and counts parameters', () => {
    const net = buildNetwork({ model: 'strided', input: [16, 32, 32], batch: 2, channels: [2, 3, 4, 5, 6] });
    const { layers, totals } = networkCost(net);
    const embed = layers.find((l) => l.name === 'embed')!;
    // out 2×2×16×16×16, 25 taps, Cin 1 → 2·2·4096·25 MACs; + bias 16384 FLOP
    expect(embed.cost.forward.macs).toBe(409_600);
    expect(embed.cost.forward.flop).toBe(819_200 + 16_384);
    expect(embed.cost.params).toBe(2 * 25 + 2);
    const head = layers.find((l) => l.name === 'head.out')!;
    expect(head.conv).toMatchObject({ transposed: true, inChannels: 2, outChannels: 12 });
    expect(head.cost.forward.macs).toBe(2 * 2 * 4096 * 12 * 4);
    const sum = layers.reduce((s, l) => s + l.cost.forward.macs, 0);
    expect(totals.forwardMacs).toBe(sum);
    // params: embed 52, encoder, decoder, BN γβ, head 2·12·4 + 12
    const encConv = [
      [2, 2],
      [2, 3],
      [3, 4],
      [4, 5],
      [5, 6],
    ].reduce((s, [cin, c]) => s + 27 * (cin! * c! + 2 * c! * c!), 0);
    const decConv = [2, 3, 4, 5].reduce((s, c, d) => s + [3, 4, 5, 6][d]! * c + 27 * 3 * c * c, 0);
    const bn = 2 * (3 * (2 + 3 + 4 + 5 + 6) + 4 * (2 + 3 + 4 + 5));
    expect(totals.params).toBe(52 + encConv + decConv + bn + 96 + 12);
  });
});

describe('networkRoofline', () => {
  it('bounds the baseline iteration on the paper GPU below its measured 0.71 s', () => {
    const cost = networkCost(buildNetwork({ model: 'baseline' }));
    const r = networkRoofline(cost, getDeviceProfile('titan-x-pascal'), 'fp32');
    expect(r.totalSeconds).toBeGreaterThan((2 * 430.18e9) / 10.97e12);
    expect(r.totalSeconds).toBeLessThan(0.71);
    expect(r.layers.find((l) => l.name === 'enc0.bn1')!.memoryBound).toBe(true);
    expect(r.layers.find((l) => l.name === 'enc0.conv2')!.memoryBound).toBe(false);
    expect(() => networkRoofline(cost, getDeviceProfile('titan-x-pascal'), 'tf32')).toThrow(
      expect.objectContaining({
        message: expect.stringMatching(/no tf32/),
        hint: 'supported on this device: fp32',
      }),
    );
    expect(() => getDeviceProfile('rtx')).toThrow(
      expect.objectContaining({ hint: expect.stringMatching(/allowed profiles: titan-x-pascal/) }),
    );
  });
});
