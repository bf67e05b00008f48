import { OrtConvBackend } from '@unet3d/backend-onnxruntime';
import type { ConvBackend } from '@unet3d/core';
import { createReferenceBackend } from '@unet3d/core/testing';
import { CpuDevice } from '@unet3d/cpu';
import { describe, expect, it } from 'vitest';
import { checkTrainingIteration, formatIterationCheck, tinyCheckNetwork } from './iteration-check.js';

// Independent sides: onnxruntime's convolutions on the float32 CPU device vs the float64 reference backend
// on the float64 CPU device (different conv code, different precision of everything else).
async function ortSide() {
  const device = new CpuDevice({ precision: 'float32' });
  return { device, backend: await OrtConvBackend.create({ device, mathMode: 'fp32' }) };
}
function referenceSide() {
  const device = new CpuDevice({ precision: 'float64' });
  return { device, backend: createReferenceBackend(device) };
}

describe('checkTrainingIteration (CPU vs CPU)', () => {
  it('onnxruntime fp32 vs the float64 reference: loss and every gradient within 1e-3, both variants', async () => {
    for (const strided of [true, false]) {
      const network = tinyCheckNetwork(strided);
      const subject = await ortSide();
      const report = await checkTrainingIteration(subject, referenceSide(), { network, seed: 5 });
      await subject.backend.dispose();
      // Parameters of the tiny net: every conv weight/bias and BN gamma/beta has a gradient.
      const grads = report.checks.filter((c) => c.what.startsWith('grad '));
      expect(grads.length).toBeGreaterThan(20);
      expect(report.pass).toBe(true);
      expect(report.worst.relError).toBeGreaterThan(0); // float32 vs float64: not identical
      expect(report.worst.relError).toBeLessThan(1e-4);
      // BCE of sigmoid near logits 0 is near ln 2 = 0.693 per voxel.
      expect(report.loss.reference).toBeGreaterThan(0.5);
      expect(report.loss.reference).toBeLessThan(1);
      expect(formatIterationCheck(report)).toMatch(/^ok: one training iteration of tiny-/);
    }
  }, 300_000);

  it('catches a backend whose weight gradient is 1 % off, naming a gradient, with the loss still right', async () => {
    const device = new CpuDevice({ precision: 'float32' });
    const good = createReferenceBackend(device);
    // Error-path double: scales every backward-filter result by 1.01.
    const skewed: ConvBackend = {
      ...good,
      name: 'skewed',
      async backwardFilter(w, x, dy) {
        const dW = await good.backwardFilter(w, x, dy);
        const host = device.download(dW).map((v) => v * 1.01);
        const shape = dW.shape;
        device.free(dW);
        return device.upload(host, shape);
      },
    };
    const report = await checkTrainingIteration({ device, backend: skewed }, referenceSide(), { seed: 2 });
    expect(report.pass).toBe(false);
    expect(report.checks.find((c) => c.what === 'loss')!.pass).toBe(true);
    expect(report.worst.what).toMatch(/^grad /);
    expect(report.worst.relError).toBeGreaterThan(5e-3);
    expect(report.worst.relError).toBeLessThan(2e-2);
    expect(formatIterationCheck(report)).toMatch(/FAIL grad /);
  }, 300_000);
});
