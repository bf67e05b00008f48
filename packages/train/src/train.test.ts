import { createReferenceBackend } from '@unet3d/core/testing';
import { CpuDevice } from '@unet3d/cpu';
import { buildResidualSymmetricUnet } from '@unet3d/model';
import { describe, expect, it } from 'vitest';
import { runTraining } from './loop.js';
import { plainReporter } from './progress-reporter.js';

describe('training on synthetic data', () => {
  it('200 iterations halve the loss and reach > 90% held-out nearest-neighbour affinity accuracy', async () => {
    // A 3-level strided U-Net (channels 8,8,8) at 8×32×32: the smallest net that learns the task in
    // < 1 minute on 2 cores. The reference backend is faster than onnxruntime at these tiny convs.
    const patch: [number, number, number] = [8, 32, 32];
    const channels = [8, 8, 8];
    const network = buildResidualSymmetricUnet({
      name: 'tiny',
      strided: true,
      channels,
      input: patch,
      batch: 1,
    });
    const device = new CpuDevice();
    const lines: string[] = [];
    const summary = await runTraining({
      config: { model: 'tiny', channels, input: patch, batch: 1, seed: 2, lr: 0.01, data: 'synthetic' },
      network,
      device,
      backend: createReferenceBackend(device),
      iterations: 200,
      checkpointEvery: 1000,
      heldOutCrops: 4,
      reporter: plainReporter((s) => lines.push(s)),
    });
    expect(lines.filter((l) => /^iter +\d+\/200 loss=\d/.test(l))).toHaveLength(200);
    const first = summary.losses[0]!;
    const last10 = summary.losses.slice(-10).reduce((a, b) => a + b, 0) / 10;
    expect(last10).toBeLessThanOrEqual(0.5 * first);
    expect(summary.heldOutAccuracy).toBeGreaterThan(0.9);
    expect(device.memoryStats().currentBytes).toBe(0);
  }, 400_000); // ~50 s on 2 quiet cores; a shared, loaded machine needs more
});
