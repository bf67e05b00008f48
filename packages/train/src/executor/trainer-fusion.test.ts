/**
 * The executor's fused path (FusedDeviceOps of the native CPU device: BN → ELU with residual, bias → ELU,
 * Adam over all parameters) against the plain JavaScript ops (`native: 'off'`) on the same network, batch and
 * seed: loss, every gradient and the weights after one Adam step agree to float32 rounding; the fused calls
 * are really made (counted on the device's own fused ops), eval mode runs unfused, and timings name what a
 * fused entry covers. Needs the system C compiler (native: 'on' fails loudly without one).
 */
import { type FusedDeviceOps, seededRng } from '@unet3d/core';
import { createReferenceBackend } from '@unet3d/core/testing';
import { CpuDevice } from '@unet3d/cpu';
import { buildResidualSymmetricUnet, type Network } from '@unet3d/model';
import { describe, expect, it } from 'vitest';
import { createTrainer, type LayerTiming } from './index.js';

const net = (strided: boolean, batch = 1): Network =>
  buildResidualSymmetricUnet({
    name: strided ? 'tiny-strided' : 'tiny-baseline',
    channels: [3, 4],
    strided,
    input: [4, 8, 8],
    batch,
  });

function randomBatch(network: Network, seed: number) {
  const rng = seededRng(seed);
  const [n, , d, h, w] = network.input;
  const count = n * d * h * w;
  return {
    input: Float32Array.from({ length: count }, () => rng.uniform(-1, 1)),
    target: Float32Array.from({ length: 12 * count }, () => (rng.next() < 0.6 ? 1 : 0)),
    mask: Float32Array.from({ length: 12 * count }, () => (rng.next() < 0.9 ? 1 : 0)),
  };
}

/** max |a − b| over a tensor, relative to max |b| (the JavaScript result), floored at 1e-12. */
function relMaxError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let diff = 0;
  let scale = 1e-12;
  for (let i = 0; i < b.length; i++) {
    diff = Math.max(diff, Math.abs(a[i]! - b[i]!));
    scale = Math.max(scale, Math.abs(b[i]!));
  }
  return diff / scale;
}

/** Wrap each of the device's own fused ops to count its calls (the real op still runs). */
function countFusedCalls(fused: FusedDeviceOps): Map<string, number> {
  const counts = new Map<string, number>();
  const table = fused as unknown as Record<string, (...args: unknown[]) => unknown>;
  for (const name of Object.keys(table)) {
    const real = table[name]!;
    counts.set(name, 0);
    table[name] = (...args: unknown[]) => {
      counts.set(name, counts.get(name)! + 1);
      return real(...args);
    };
  }
  return counts;
}

async function iteration(network: Network, native: 'on' | 'off', seed: number) {
  const device = new CpuDevice({ native, threads: 1 });
  const trainer = await createTrainer({ network, device, backend: createReferenceBackend(device), seed });
  const b = randomBatch(network, seed + 1);
  const grads = await trainer.gradients(b);
  const step = await trainer.step(b);
  const weights = new Map(trainer.parameters().map((p) => [p.name, device.download(p.tensor)]));
  const stats = new Map(trainer.buffers().map((p) => [p.name, device.download(p.tensor)]));
  const chains = trainer.fusedChains();
  const peakBytes = device.memoryStats().peakBytes;
  trainer.dispose();
  expect(device.memoryStats().currentBytes).toBe(0);
  return { grads, step, weights, stats, chains, peakBytes };
}

describe('executor with fused device ops', () => {
  for (const strided of [true, false]) {
    it(`${strided ? 'strided' : 'baseline'} tiny net: loss, gradients and one Adam step match the JavaScript ops to 1e-5`, async () => {
      const network = net(strided, 2);
      const fused = await iteration(network, 'on', 4);
      const js = await iteration(network, 'off', 4);
      expect(js.chains).toEqual([]);
      expect(fused.chains.length).toBeGreaterThan(0);
      // Fused chains free their intermediates no later than the unfused ops (the BN output never exists).
      expect(fused.peakBytes).toBeLessThanOrEqual(js.peakBytes);
      expect(Math.abs(fused.grads.loss - js.grads.loss) / Math.abs(js.grads.loss)).toBeLessThan(1e-5);
      expect(Math.abs(fused.step.loss - js.step.loss) / Math.abs(js.step.loss)).toBeLessThan(1e-5);
      expect([...fused.grads.params.keys()].sort()).toEqual([...js.grads.params.keys()].sort());
      for (const [name, g] of js.grads.params) {
        expect(relMaxError(fused.grads.params.get(name)!, g), `gradient of ${name}`).toBeLessThan(1e-5);
      }
      for (const [name, w] of js.weights) {
        expect(relMaxError(fused.weights.get(name)!, w), `weight ${name}`).toBeLessThan(1e-5);
      }
      for (const [name, s] of js.stats) {
        expect(relMaxError(fused.stats.get(name)!, s), `buffer ${name}`).toBeLessThan(1e-5);
      }
    });
  }

  it('takes the fused path in training (counted calls), none in eval, and labels fused timings', async () => {
    // strided, 2 levels: blocks enc0, enc1, dec0 have 3 BN → ELU chains each (the third with the residual),
    // plus dec0's skip add → BN → ELU: 10 chains, 4 with a residual; embed (bias) → ELU is the 1 bias chain.
    const network = net(true);
    const device = new CpuDevice({ native: 'on', threads: 1 });
    const counts = countFusedCalls(device.fused!);
    const plain = new Map<string, number>();
    for (const name of ['batchNormTrain', 'elu', 'add', 'eluBackward', 'batchNormBackward', 'adamStepInto']) {
      const table = device.ops as unknown as Record<string, (...args: unknown[]) => unknown>;
      const real = table[name]!;
      plain.set(name, 0);
      table[name] = (...args: unknown[]) => {
        plain.set(name, plain.get(name)! + 1);
        return real(...args);
      };
    }
    const timings: LayerTiming[] = [];
    const trainer = await createTrainer({
      network,
      device,
      backend: createReferenceBackend(device),
      onTiming: (t) => timings.push(t),
    });
    await trainer.step(randomBatch(network, 1));
    expect(Object.fromEntries(counts)).toEqual({
      biasBatchNormEluTrain: 10,
      batchNormEluBackward: 10,
      biasElu: 1,
      eluBackwardBiasGrad: 1,
      adamStepAll: 1,
    });
    expect(Object.fromEntries(plain)).toEqual({
      batchNormTrain: 0,
      elu: 0,
      add: 0,
      eluBackward: 0,
      batchNormBackward: 0,
      adamStepInto: 0,
    });
    const res = timings.filter((t) => t.layer === 'enc0.bn3');
    expect(res.map((t) => [t.pass, t.fused])).toEqual([
      ['forward', ['enc0.res', 'enc0.bn3', 'enc0.elu3']],
      ['backward', ['enc0.bn3', 'enc0.elu3']],
    ]);
    expect(timings.filter((t) => t.layer === 'embed' && t.fused).map((t) => t.pass)).toEqual([
      'forward',
      'backward',
    ]);
    // Covered layers have no entries of their own, except the add's backward (gradient fan-out).
    expect(timings.filter((t) => t.layer === 'enc0.elu3' || t.layer === 'embed.elu')).toEqual([]);
    expect(timings.filter((t) => t.layer === 'enc0.res').map((t) => t.pass)).toEqual(['backward']);

    for (const k of counts.keys()) counts.set(k, 0);
    const viaDevice = await trainer.predict(randomBatch(network, 2).input);
    expect([...counts.values()].every((v) => v === 0)).toBe(true);
    expect(plain.get('batchNormTrain')).toBe(0);
    expect(viaDevice.every(Number.isFinite)).toBe(true);
    trainer.dispose();
  });

  it('runs the plain ops on a native device when fusion is turned off', async () => {
    const network = net(true);
    const device = new CpuDevice({ native: 'on', threads: 1 });
    const counts = countFusedCalls(device.fused!);
    const trainer = await createTrainer({
      network,
      device,
      backend: createReferenceBackend(device),
      fusion: false,
    });
    await trainer.step(randomBatch(network, 1));
    expect([...counts.values()].every((v) => v === 0)).toBe(true);
    expect(trainer.fusedChains()).toEqual([]);
    trainer.dispose();
  });
});
