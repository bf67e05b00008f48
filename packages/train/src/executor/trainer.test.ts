/**
 * Executor behaviour on the real CPU device with the reference conv backend: determinism with a seed,
 * flat memory across iterations, checkpoint state round trip, eval-mode predict.
 */
import { seededRng } from '@unet3d/core';
import { createReferenceBackend } from '@unet3d/core/testing';
import { CpuDevice } from '@unet3d/cpu';
import { buildResidualSymmetricUnet, type Network } from '@unet3d/model';
import { describe, expect, it } from 'vitest';
import { createTrainer } from './index.js';

const tiny = (): Network =>
  buildResidualSymmetricUnet({ name: 'tiny', channels: [3, 4], strided: true, input: [4, 8, 8], batch: 1 });

function batch(network: Network, seed: number) {
  const rng = seededRng(seed);
  const n = network.input.slice(2).reduce((a, b) => a * b, 1);
  return {
    input: Float32Array.from({ length: n }, () => rng.uniform(-1, 1)),
    target: Float32Array.from({ length: 12 * n }, () => (rng.next() < 0.6 ? 1 : 0)),
    mask: Float32Array.from({ length: 12 * n }, () => (rng.next() < 0.9 ? 1 : 0)),
  };
}

async function run(seed: number, steps: number) {
  const network = tiny();
  const device = new CpuDevice();
  const trainer = await createTrainer({ network, device, backend: createReferenceBackend(device), seed });
  const losses: number[] = [];
  for (let i = 0; i < steps; i++) losses.push((await trainer.step(batch(network, 100 + i))).loss);
  const weights = trainer.parameters().map((p) => Array.from(device.download(p.tensor)));
  trainer.dispose();
  return { losses, weights };
}

describe('executor', () => {
  it('is deterministic with a seed and depends on it', async () => {
    const a = await run(7, 3);
    const b = await run(7, 3);
    const c = await run(8, 3);
    expect(a.losses).toEqual(b.losses);
    expect(a.weights).toEqual(b.weights);
    expect(c.losses[0]).not.toEqual(a.losses[0]);
    expect(a.losses.every(Number.isFinite)).toBe(true);
  });

  it('keeps memory flat across iterations and frees everything on dispose', async () => {
    const network = tiny();
    const device = new CpuDevice();
    const trainer = await createTrainer({
      network,
      device,
      backend: createReferenceBackend(device),
      seed: 1,
    });
    const resident = device.memoryStats().currentBytes;
    const paramBytes = trainer.parameters().reduce((n, p) => n + p.tensor.size * 4, 0);
    const bufferBytes = trainer.buffers().reduce((n, p) => n + p.tensor.size * 4, 0);
    expect(resident).toBe(3 * paramBytes + bufferBytes); // weights + Adam m, v + running stats
    const peaks: number[] = [];
    for (let i = 0; i < 4; i++) {
      await trainer.step(batch(network, i));
      expect(device.memoryStats().currentBytes).toBe(resident);
      peaks.push(device.memoryStats().peakBytes);
    }
    expect(new Set(peaks).size).toBe(1);
    await trainer.predict(batch(network, 9).input);
    expect(device.memoryStats().currentBytes).toBe(resident);
    trainer.dispose();
    expect(device.memoryStats().currentBytes).toBe(0);
  });

  it('reports per-layer timings only when a hook is set, conv passes separately', async () => {
    const network = tiny();
    const device = new CpuDevice();
    const events: { layer: string; pass: string; conv: boolean }[] = [];
    const trainer = await createTrainer({
      network,
      device,
      backend: createReferenceBackend(device),
      onTiming: (t) => events.push(t),
    });
    await trainer.step(batch(network, 1));
    const convs = network.layers.filter((l) => l.kind === 'conv').length;
    const count = (pass: string) => events.filter((e) => e.conv && e.pass === pass).length;
    expect(count('forward')).toBe(convs);
    expect(count('backwardFilter')).toBe(convs);
    expect(count('backwardData')).toBe(convs - 1); // no input gradient for the first conv
    expect(events.some((e) => e.layer === '(adam)')).toBe(true);
    trainer.setTimingHook(undefined);
    const before = events.length;
    await trainer.step(batch(network, 2));
    expect(events.length).toBe(before);
    trainer.dispose();
  });

  it('resumes exactly from state(): weights, BN statistics and Adam moments', async () => {
    const network = tiny();
    const device = new CpuDevice();
    const backend = createReferenceBackend(device);
    const a = await createTrainer({ network, device, backend, seed: 3 });
    for (let i = 0; i < 2; i++) await a.step(batch(network, i));
    const state = a.state();
    const b = await createTrainer({ network, device, backend, seed: 99 });
    b.loadState(state);
    expect(b.iteration).toBe(2);
    const ra = await a.step(batch(network, 5));
    const rb = await b.step(batch(network, 5));
    expect(rb.loss).toBe(ra.loss);
    expect(await b.predict(batch(network, 6).input)).toEqual(await a.predict(batch(network, 6).input));
    const other = await createTrainer({
      network: buildResidualSymmetricUnet({
        name: 'x',
        channels: [3, 5],
        strided: true,
        input: [4, 8, 8],
        batch: 1,
      }),
      device,
      backend,
    });
    expect(() => other.loadState(state)).toThrow(/does not match|shape/);
    for (const t of [a, b, other]) t.dispose();
  });

  it('rejects a batch of the wrong size with a shape error', async () => {
    const network = tiny();
    const device = new CpuDevice();
    const trainer = await createTrainer({ network, device, backend: createReferenceBackend(device) });
    const good = batch(network, 1);
    await expect(trainer.step({ ...good, target: new Float32Array(3) })).rejects.toThrow(
      /target has 3 values/,
    );
    expect(device.memoryStats().currentBytes).toBe(
      trainer.parameters().reduce((n, p) => n + 12 * p.tensor.size, 0) +
        trainer.buffers().reduce((n, p) => n + 4 * p.tensor.size, 0),
    );
    trainer.dispose();
  });
});
