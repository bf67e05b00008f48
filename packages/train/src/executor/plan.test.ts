import { createRng } from '@unet3d/core';
import { buildNetwork, buildResidualSymmetricUnet } from '@unet3d/model';
import { describe, expect, it } from 'vitest';
import { adamConfig } from './adam.js';
import { convFanIn } from './init.js';
import { assertTrainable, INPUT, planNetwork } from './plan.js';

describe('planNetwork', () => {
  const network = buildNetwork({ model: 'strided', input: [16, 64, 64], channels: [2, 2, 2, 2, 2] });
  const plan = planNetwork(network);

  it('keeps conv/BN inputs and ELU outputs for backward, and nothing else', () => {
    const convInputs = network.layers.flatMap((l) =>
      l.kind === 'conv' || l.kind === 'batchNorm' ? [l.input] : [],
    );
    const eluOutputs = network.layers.flatMap((l) => (l.kind === 'elu' ? [l.output] : []));
    expect(new Set(plan.lastBackwardUse.keys())).toEqual(new Set([...convInputs, ...eluOutputs]));
    expect(plan.lastBackwardUse.get(INPUT)).toBe(0);
    expect(plan.lastForwardUse.get(network.output)).toBe(network.layers.length);
    expect(plan.outputShape).toEqual([1, 12, 16, 64, 64]);
  });

  it('frees a skip tensor only after its last reader', () => {
    const skip = network.layers.find((l) => l.name === 'dec0.skip');
    expect(skip?.kind).toBe('add');
    if (skip?.kind !== 'add') return;
    const enc0 = skip.inputs[1];
    expect(plan.lastForwardUse.get(enc0)).toBe(network.layers.indexOf(skip));
  });

  it('rejects broken wiring and untrainable patches', () => {
    const layers = [...network.layers];
    layers.splice(3, 1);
    expect(() => planNetwork({ ...network, layers })).toThrow(/which no earlier layer produces/);
    expect(() => planNetwork({ ...network, output: 'nope' })).toThrow(/not produced/);
    const deep = buildResidualSymmetricUnet({
      name: 'x',
      channels: [2, 2, 2, 2, 2],
      strided: true,
      input: [16, 32, 32],
      batch: 1,
    });
    expect(() => assertTrainable(deep)).toThrow(/1 value per channel/);
  });
});

describe('initialisation helpers', () => {
  it('seeded streams are reproducible and distinct per name', () => {
    const a = createRng(1, 'w');
    const b = createRng(1, 'w');
    const c = createRng(1, 'v');
    const xs = [a.next(), a.next()];
    expect([b.next(), b.next()]).toEqual(xs);
    expect(c.next()).not.toBe(xs[0]);
    for (let i = 0; i < 1000; i++) {
      const u = a.next();
      expect(u >= 0 && u < 1).toBe(true);
    }
  });

  it('fan-in follows PyTorch (dim 1 × kernel volume), also for transposed weights', () => {
    expect(convFanIn([8, 4, 3, 3, 3])).toBe(108);
    expect(convFanIn([24, 12, 1, 2, 2])).toBe(48);
  });

  it('validates Adam settings', () => {
    expect(adamConfig()).toEqual({ lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8 });
    expect(() => adamConfig({ lr: 0 })).toThrow(/lr/);
    expect(() => adamConfig({ beta2: 1 })).toThrow(/beta2/);
  });
});
