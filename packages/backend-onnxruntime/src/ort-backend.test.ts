import { CONV_PASSES, type ConvPass, convSpec, convWorkload, getBackendRegistration } from '@unet3d/core';
import {
  CONFORMANCE_WORKLOADS,
  checkBackendAgainstReference,
  formatConformanceResult,
} from '@unet3d/core/testing';
import { CpuDevice } from '@unet3d/cpu';
import { afterAll, describe, expect, it } from 'vitest';
import { OrtConvBackend } from './ort-backend.js';
import { type Formulation, planPass } from './plan.js';
import './register.js';

const device = new CpuDevice();
const backend = await OrtConvBackend.create({ device, mathMode: 'fp32', intraOpNumThreads: 1 });
afterAll(() => backend.dispose());

describe('onnxruntime backend: conformance', () => {
  it('matches the float64 reference on every conformance workload and pass (rel < 1e-4)', async () => {
    const results = await checkBackendAgainstReference(backend, CONFORMANCE_WORKLOADS, {
      tolerance: 1e-4,
      seed: 7,
    });
    expect(results.length).toBe(CONFORMANCE_WORKLOADS.length * 3);
    expect(results.filter((r) => !r.pass).map(formatConformanceResult)).toEqual([]);
    expect(device.memoryStats().currentBytes).toBe(0); // every result and operand was freed
  });

  it('uses the fast formulations where they apply', () => {
    const f = (i: number, pass: ConvPass) => planPass(CONFORMANCE_WORKLOADS[i]!.workload, pass).formulation;
    const byName = (name: string) => CONFORMANCE_WORKLOADS.findIndex((c) => c.name === name);
    const head = byName('convT k122 s122');
    expect(CONV_PASSES.map((p) => f(head, p))).toEqual(['pixel-shuffle', 'conv', 'pixel-shuffle']);
    const embed = byName('embed1x5x5 s122');
    expect(CONV_PASSES.map((p) => f(embed, p))).toEqual(['conv', 'polyphase-conv', 'im2col-gemm']);
    expect(f(byName('conv3x3x3 dil2'), 'backwardData')).toBe('conv-transpose');
  });

  // Every alternative formulation stays correct, so the measurements compare correct programs.
  const alternatives: [string, ConvPass, Formulation][] = [
    ['conv3x3x3 same batch2', 'backwardFilter', 'conv-transposed'],
    ['embed1x5x5 s122 odd batch2', 'backwardFilter', 'conv-transposed'],
    ['convT k3 s2 p1 op1', 'backwardFilter', 'conv-transposed'],
    ['conv3x3x3 dil2', 'backwardFilter', 'conv-transposed'],
    ['embed1x5x5 s122 odd batch2', 'backwardData', 'conv-transpose'],
    ['convT k122 s122 odd batch2', 'forward', 'polyphase-conv'],
    ['convT k122 s122 odd batch2', 'backwardData', 'conv'],
    ['convT k122 s122 odd batch2', 'backwardFilter', 'im2col-gemm'],
    ['convT k122 s122 odd batch2', 'forward', 'patchify-matmul'],
    ['convT k122 s122 odd batch2', 'backwardData', 'patchify-matmul'],
    ['convT k122 s122 odd batch2', 'backwardData', 'pixel-shuffle'],
    ['convT k122 s122 odd batch2', 'backwardFilter', 'patchify-matmul'],
    ['conv k122 s122 odd', 'forward', 'pixel-shuffle'],
    ['conv k122 s122 odd', 'backwardData', 'pixel-shuffle'],
    ['conv k122 s122 odd', 'backwardFilter', 'pixel-shuffle'],
    ['conv3x3x3 same batch2', 'backwardFilter', 'tap-gemm'],
    ['conv3x3x3 s2 p1', 'backwardData', 'conv-transpose'],
  ];
  for (const [name, pass, formulation] of alternatives) {
    it(`alternative ${formulation} for ${name} ${pass}`, async () => {
      const alt = await OrtConvBackend.create({
        device,
        mathMode: 'fp32',
        intraOpNumThreads: 1,
        formulations: { [pass]: formulation },
      });
      const cases = CONFORMANCE_WORKLOADS.filter((c) => c.name === name);
      const [r] = await checkBackendAgainstReference(alt, cases, {
        tolerance: 1e-4,
        seed: 3,
        passes: [pass],
      });
      await alt.dispose();
      expect(r && formatConformanceResult(r)).toMatch(/^ok/);
    });
  }

  it('splits the weight gradient into several im2col chunks correctly', async () => {
    const chunked = await OrtConvBackend.create({
      device,
      mathMode: 'fp32',
      intraOpNumThreads: 1,
      chunkElements: 200,
    });
    const w = convWorkload([2, 3, 5, 6, 7], 4, convSpec({ kernel: 3, padding: 'same' }));
    const [r] = await checkBackendAgainstReference(chunked, [w], {
      tolerance: 1e-4,
      seed: 5,
      passes: ['backwardFilter'],
    });
    await chunked.dispose();
    expect(r && formatConformanceResult(r)).toMatch(/^ok/);
  });
});

describe('onnxruntime backend: float64 check-mode device', () => {
  it('computes in float32 and stores in the device precision', async () => {
    const d64 = new CpuDevice({ precision: 'float64' });
    const b = await OrtConvBackend.create({ device: d64, mathMode: 'fp32', intraOpNumThreads: 1 });
    const cases = CONFORMANCE_WORKLOADS.filter(
      (c) => c.name.startsWith('embed') || c.name.startsWith('convT k122'),
    );
    const results = await checkBackendAgainstReference(b, cases, { tolerance: 1e-4, seed: 9 });
    await b.dispose();
    expect(results.filter((r) => !r.pass).map(formatConformanceResult)).toEqual([]);
    expect(d64.memoryStats().currentBytes).toBe(0);
  });
});

describe('onnxruntime backend: creation', () => {
  it('is registered by name for the CPU device', async () => {
    const reg = getBackendRegistration('onnxruntime');
    expect(reg.deviceKind).toBe('cpu');
    const b = await reg.create({ device, mathMode: 'fp32' });
    expect(b.name).toBe('onnxruntime');
    expect(b.describe()).toMatchObject({ executionProvider: 'cpu', mathMode: 'fp32' });
    await b.dispose();
  });

  it('refuses math modes other than fp32 with a ConfigError', async () => {
    await expect(OrtConvBackend.create({ device, mathMode: 'tf32' })).rejects.toMatchObject({
      code: 'CONFIG',
      message: expect.stringMatching(/'fp32' only, got 'tf32'/),
    });
    await expect(getBackendRegistration('onnxruntime').create({ device, mathMode: 'bf16' })).rejects.toThrow(
      /fp32/,
    );
  });
});
