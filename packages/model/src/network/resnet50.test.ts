import { describe, expect, it } from 'vitest';
import { conv2dMacs, resnet50Conv2dLayers } from './resnet50.js';

describe('resnet50Conv2dLayers', () => {
  const layers = resnet50Conv2dLayers();
  it('has 53 convs plus fc with the known shapes', () => {
    expect(layers.length).toBe(54);
    expect(layers[0]).toEqual({
      name: 'conv1',
      cin: 3,
      cout: 64,
      kernel: 7,
      stride: 2,
      outH: 112,
      outW: 112,
    });
    const l2 = layers.find((l) => l.name === 'layer2.0.conv2')!;
    expect([l2.cin, l2.cout, l2.stride, l2.outH]).toEqual([128, 128, 2, 28]);
    const last = layers.find((l) => l.name === 'layer4.2.conv3')!;
    expect([last.cin, last.cout, last.outH]).toEqual([512, 2048, 7]);
  });
  it('totals the well-known ≈4.1 GMAC at 224×224', () => {
    const total = layers.reduce((s, l) => s + conv2dMacs(l), 0);
    // 4.087 GMAC of convs + 2.048 MMAC for fc: the 4.09 "GFLOPS" torchvision lists for ResNet-50
    expect(total).toBe(4_089_184_256);
    expect(conv2dMacs(layers.at(-1)!)).toBe(2_048_000);
    expect(conv2dMacs(layers[0]!, 2)).toBe(2 * 64 * 112 * 112 * 3 * 49);
  });
});
