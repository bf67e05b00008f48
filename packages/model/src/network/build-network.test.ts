import { ConfigError, ShapeError } from '@unet3d/core';
import { PAPER_TABLE1 } from '@unet3d/paper';
import { describe, expect, it } from 'vitest';
import { buildNetwork, MODEL_PRESETS } from './build-network.js';
import { layerInputs } from './layer.js';

function shapes(model: string, input: number[], batch = 1): Map<string, readonly number[]> {
  const net = buildNetwork({ model, input, batch });
  return new Map(net.layers.map((l) => [l.name, l.outputShape]));
}

describe('buildNetwork baseline', () => {
  const net = buildNetwork({ model: 'baseline', input: [16, 32, 32], batch: 2 });
  const s = new Map(net.layers.map((l) => [l.name, l.outputShape]));

  it('has every layer shape for a 16×32×32 patch, batch 2', () => {
    expect(net.input).toEqual([2, 1, 16, 32, 32]);
    expect(s.get('embed')).toEqual([2, 24, 16, 32, 32]);
    expect(s.get('enc0.elu3')).toEqual([2, 24, 16, 32, 32]);
    expect(s.get('pool0')).toEqual([2, 24, 8, 16, 16]);
    expect(s.get('enc1.conv1')).toEqual([2, 32, 8, 16, 16]);
    expect(s.get('enc2.res')).toEqual([2, 48, 4, 8, 8]);
    expect(s.get('enc3.bn3')).toEqual([2, 72, 2, 4, 4]);
    expect(s.get('pool3')).toEqual([2, 72, 1, 2, 2]);
    expect(s.get('enc4.elu3')).toEqual([2, 104, 1, 2, 2]);
    expect(s.get('dec3.up')).toEqual([2, 104, 2, 4, 4]);
    expect(s.get('dec3.proj')).toEqual([2, 72, 2, 4, 4]);
    expect(s.get('dec3.skip')).toEqual([2, 72, 2, 4, 4]);
    expect(s.get('dec0.up')).toEqual([2, 32, 16, 32, 32]);
    expect(s.get('dec0.elu3')).toEqual([2, 24, 16, 32, 32]);
    expect(s.get('head.conv')).toEqual([2, 24, 16, 32, 32]);
    expect(s.get('head.out')).toEqual([2, 12, 16, 32, 32]);
    expect(net.output).toBe('head.out');
  });

  it('wires the residual, skips and layer counts as specified', () => {
    const byName = new Map(net.layers.map((l) => [l.name, l]));
    expect(layerInputs(byName.get('enc1.res')!)).toEqual(['enc1.conv3', 'enc1.elu1']);
    expect(layerInputs(byName.get('enc1.bn3')!)).toEqual(['enc1.res']);
    expect(layerInputs(byName.get('dec2.skip')!)).toEqual(['dec2.proj', 'enc2.elu3']);
    expect(layerInputs(byName.get('dec2.up')!)).toEqual(['dec3.elu3']);
    expect(layerInputs(byName.get('dec3.up')!)).toEqual(['enc4.elu3']);
    const convs = net.layers.filter((l) => l.kind === 'conv');
    // embed + 5·3 encoder + 4·(1 proj + 3) decoder + 2 head
    expect(convs.length).toBe(1 + 15 + 16 + 2);
    expect(convs.filter((c) => c.bias).map((c) => c.name)).toEqual(['embed', 'head.conv', 'head.out']);
    const embed = convs[0]!;
    expect(embed.workload.spec.kernel).toEqual([1, 5, 5]);
    expect(embed.workload.spec.padding).toEqual([0, 2, 2]);
    // every input is defined before use, names are unique
    const seen = new Set(['input']);
    for (const l of net.layers) {
      for (const i of layerInputs(l)) expect(seen.has(i), `${l.name} reads ${i}`).toBe(true);
      expect(seen.has(l.output)).toBe(false);
      seen.add(l.output);
    }
  });

  it('builds the default 1×64×128×128 patch', () => {
    const d = buildNetwork({ model: 'baseline' });
    expect(d.input).toEqual([1, 1, 64, 128, 128]);
    const m = new Map(d.layers.map((l) => [l.name, l.outputShape]));
    expect(m.get('enc4.conv1')).toEqual([1, 104, 4, 8, 8]);
    expect(m.get('head.out')).toEqual([1, 12, 64, 128, 128]);
  });
});

describe('buildNetwork strided and scaled', () => {
  it('halves in-plane after the embedding and restores it with a transposed head', () => {
    const s = shapes('strided', [16, 32, 32]);
    expect(s.get('embed')).toEqual([1, 24, 16, 16, 16]);
    expect(s.get('enc4.conv3')).toEqual([1, 104, 1, 1, 1]);
    expect(s.get('dec0.elu3')).toEqual([1, 24, 16, 16, 16]);
    expect(s.get('head.out')).toEqual([1, 12, 16, 32, 32]);
    expect(s.has('head.conv')).toBe(false);
    const net = buildNetwork({ model: 'strided', input: [16, 32, 32] });
    const head = net.layers.at(-1)!;
    expect(head.kind === 'conv' && head.workload.spec.transposed && head.bias).toBe(true);
  });
  it('uses 24,64,192,192,192 for scaled at the default patch', () => {
    const net = buildNetwork({ model: 'scaled' });
    expect(net.channels).toEqual([24, 64, 192, 192, 192]);
    const s = new Map(net.layers.map((l) => [l.name, l.outputShape]));
    expect(s.get('enc2.conv1')).toEqual([1, 192, 16, 16, 16]);
    expect(s.get('dec1.proj')).toEqual([1, 64, 32, 32, 32]);
    expect(s.get('head.out')).toEqual([1, 12, 64, 128, 128]);
  });
  it('accepts custom channels', () => {
    const net = buildNetwork({ model: 'strided', input: [16, 32, 32], channels: [2, 3, 4, 5, 6] });
    expect(net.layers.find((l) => l.name === 'enc4.conv1')!.outputShape).toEqual([1, 6, 1, 1, 1]);
  });
});

describe('buildNetwork rejects bad configurations', () => {
  it('names the bad value and what is allowed', () => {
    expect(() => buildNetwork({ model: 'unet' })).toThrow(ConfigError);
    expect(() => buildNetwork({ model: 'unet' })).toThrow(/unknown model 'unet'/);
    expect(() => buildNetwork({ model: 'baseline', input: [20, 32, 32] })).toThrow(ShapeError);
    expect(() => buildNetwork({ model: 'baseline', input: [20, 32, 32] })).toThrow(/D \(z\) = 20.*by 16/);
    // strided needs H, W divisible by 32
    expect(() => buildNetwork({ model: 'strided', input: [16, 48, 32] })).toThrow(/H \(y\) = 48.*by 32/);
    expect(() => buildNetwork({ model: 'baseline', input: [0, 32, 32] })).toThrow(/positive integer, got 0/);
    expect(() => buildNetwork({ model: 'baseline', input: [-16, 32, 32] })).toThrow(/got -16/);
    expect(() => buildNetwork({ model: 'baseline', input: [16.5, 32, 32] })).toThrow(/got 16.5/);
    expect(() => buildNetwork({ model: 'baseline', input: [16, 32] })).toThrow(/3 sizes/);
    expect(() => buildNetwork({ model: 'baseline', batch: 0 })).toThrow(/batch/);
    expect(() => buildNetwork({ model: 'scaled', channels: [24, 64, 192] })).toThrow(
      /needs 5 channel counts/,
    );
    expect(() => buildNetwork({ model: 'scaled', channels: [24, 64, 0, 192, 192] })).toThrow(/c2.*got 0/);
    expect(() => buildNetwork({ model: 'scaled', channels: [24, 64, 1.5, 192, 192] })).toThrow(ConfigError);
  });
});

describe("presets match the paper's Table 1 rows", () => {
  it('each row’s network has the printed stride and channels', () => {
    for (const row of PAPER_TABLE1) {
      expect(MODEL_PRESETS[row.model].channels).toEqual(row.channels);
      expect(MODEL_PRESETS[row.model].strided).toBe(row.strided);
    }
  });
});
