/**
 * Whole-network checks of the @unet3d/model executor on the real CPU device and the reference conv
 * backend. They live here (not in packages/model) because @unet3d/model may not depend on @unet3d/cpu.
 */
import { seededRng } from '@unet3d/core';
import { createReferenceBackend } from '@unet3d/core/testing';
import { asCpu, CpuDevice } from '@unet3d/cpu';
import { buildNetwork, buildResidualSymmetricUnet, type Network } from '@unet3d/model';
import { describe, expect, it } from 'vitest';
import { type Batch, createTrainer } from './index.js';

function randomBatch(
  network: Network,
  seed: number,
): { input: Float64Array; target: Float64Array; mask: Float64Array } {
  const rng = seededRng(seed);
  const [n, , d, h, w] = network.input;
  const nIn = n * d * h * w;
  const nOut = nIn * 12;
  const input = Float64Array.from({ length: nIn }, () => rng.uniform(-1, 1));
  const target = Float64Array.from({ length: nOut }, () => (rng.next() < 0.5 ? 1 : 0));
  const mask = Float64Array.from({ length: nOut }, () => (rng.next() < 0.8 ? 1 : 0));
  return { input, target, mask };
}

/**
 * Relative error, with the denominator floored at 1e-5: central differences with h = 1e-5 carry an absolute
 * error near 1e-9 (more where batch norm sees only 4 values per channel), so gradients far below the floor
 * are compared in absolute terms (|a − b| < 1e-8).
 */
const relError = (a: number, b: number): number => Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b), 1e-5);

/** Central finite differences of the training-mode loss vs the executor's gradients, in float64. */
async function gradientCheck(network: Network, probesPerParam: number, seed: number) {
  const device = new CpuDevice({ precision: 'float64' });
  const backend = createReferenceBackend(device);
  const trainer = await createTrainer({ network, device, backend, seed });
  const batch = randomBatch(network, seed + 1);
  const grads = await trainer.gradients(batch, { inputGradient: true });
  const rng = seededRng(seed + 2);
  const h = 1e-5;
  const rows: { name: string; index: number; analytic: number; numeric: number; rel: number }[] = [];
  const probe = async (
    name: string,
    data: Float32Array | Float64Array,
    index: number,
    analytic: number,
    b: Batch,
  ) => {
    const keep = data[index]!;
    data[index] = keep + h;
    const lp = await trainer.loss(b);
    data[index] = keep - h;
    const lm = await trainer.loss(b);
    data[index] = keep;
    const numeric = (lp - lm) / (2 * h);
    rows.push({ name, index, analytic, numeric, rel: relError(analytic, numeric) });
  };
  for (const p of trainer.parameters()) {
    const g = grads.params.get(p.name);
    expect(g, `gradient of ${p.name}`).toBeDefined();
    const data = asCpu(p.tensor).data;
    for (let k = 0; k < probesPerParam; k++) {
      const index = rng.int(data.length);
      await probe(p.name, data, index, g![index]!, batch);
    }
  }
  expect(grads.input).toBeDefined();
  for (let k = 0; k < 6; k++) {
    const index = rng.int(batch.input.length);
    await probe('input', batch.input as Float64Array, index, grads.input![index]!, batch);
  }
  trainer.dispose();
  expect(device.memoryStats().currentBytes).toBe(0);
  return rows;
}

describe('executor gradient check (float64, reference backend)', () => {
  it('baseline U-Net 16×32×32, channels 2: relative error < 1e-3', async () => {
    const network = buildNetwork({ model: 'baseline', input: [16, 32, 32], channels: [2, 2, 2, 2, 2] });
    const rows = await gradientCheck(network, 1, 11);
    const bad = rows.filter((r) => !(r.rel < 1e-3));
    expect(bad, JSON.stringify(bad.slice(0, 5))).toEqual([]);
    expect(rows.length).toBeGreaterThan(50);
  });

  it('strided U-Net (transposed head), 3 levels, batch 2: relative error < 1e-3', async () => {
    const network = buildResidualSymmetricUnet({
      name: 'strided-tiny',
      channels: [2, 3, 4],
      strided: true,
      input: [4, 16, 16],
      batch: 2,
    });
    const rows = await gradientCheck(network, 2, 5);
    const bad = rows.filter((r) => !(r.rel < 1e-3));
    expect(bad, JSON.stringify(bad.slice(0, 5))).toEqual([]);
  });
});
