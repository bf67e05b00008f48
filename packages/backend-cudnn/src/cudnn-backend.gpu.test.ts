import {
  type ConvWorkload,
  convOutputShape,
  convSpec,
  convWeightShape,
  convWorkload,
  type MathMode,
} from '@unet3d/core';
import {
  checkBackendAgainstReference,
  conformanceWorkloads,
  formatConformanceResult,
  referenceConv,
} from '@unet3d/core/testing';
import { CudaDevice, cudaAvailability } from '@unet3d/cuda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CudnnBackend } from './cudnn-backend.js';

const gpu = cudaAvailability();
if (!gpu.available) console.warn(`[skip] cuDNN backend tests: no GPU here (${gpu.reason})`);

function rand(n: number, seed: number): Float32Array {
  const a = new Float32Array(n);
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    a[i] = s / 2 ** 30 - 1;
  }
  return a;
}

function maxRelErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let scale = 1e-12;
  for (let i = 0; i < b.length; i++) scale = Math.max(scale, Math.abs(b[i]!));
  let worst = 0;
  for (let i = 0; i < b.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!) / scale);
  return worst;
}

const CASES: [string, ConvWorkload][] = [
  ['3×3×3 same', convWorkload([2, 3, 4, 6, 5], 4, convSpec({ kernel: 3, padding: 'same' }))],
  [
    '1×5×5 stride (1,2,2) embedding',
    convWorkload([1, 1, 3, 9, 10], 5, convSpec({ kernel: [1, 5, 5], stride: [1, 2, 2], padding: [0, 2, 2] })),
  ],
  ['1×1×1', convWorkload([1, 6, 2, 4, 4], 3, convSpec({ kernel: 1 }))],
  [
    'transposed (1,2,2) head',
    convWorkload([1, 4, 2, 3, 3], 3, convSpec({ kernel: [1, 2, 2], stride: [1, 2, 2], transposed: true })),
  ],
  [
    'transposed 3, stride 2, output padding 1',
    convWorkload(
      [1, 2, 3, 3, 3],
      2,
      convSpec({ kernel: 3, stride: 2, padding: 1, outputPadding: 1, transposed: true }),
    ),
  ],
];

describe.skipIf(!gpu.available).each<MathMode>(['fp32', 'tf32'])(
  'CudnnBackend (%s) against the float64 reference conv',
  (mathMode) => {
    let device: CudaDevice;
    let backend: CudnnBackend;
    const tol = mathMode === 'fp32' ? 1e-5 : 5e-3;
    beforeAll(async () => {
      device = CudaDevice.create({ kernelCacheDir: null });
      backend = await CudnnBackend.create({ device, mathMode });
    });
    afterAll(async () => {
      await backend?.dispose();
      device?.dispose();
    });

    it.each(CASES)('%s: forward, backwardData, backwardFilter', async (_name, w) => {
      const inDims = [...w.input];
      const outDims = [...convOutputShape(w)];
      const wDims = [...convWeightShape(w)];
      const x = rand(
        inDims.reduce((a, b) => a * b),
        1,
      );
      const wt = rand(
        wDims.reduce((a, b) => a * b),
        2,
      );
      const dy = rand(
        outDims.reduce((a, b) => a * b),
        3,
      );
      const refY = referenceConv('forward', w, x, wt);
      const refDx = referenceConv('backwardData', w, dy, wt);
      const refDw = referenceConv('backwardFilter', w, x, dy);

      await backend.prepare(w, ['forward', 'backwardData', 'backwardFilter']);
      const xg = device.upload(x, inDims);
      const wg = device.upload(wt, wDims);
      const dyg = device.upload(dy, outDims);
      const y = await backend.forward(w, xg, wg);
      const dx = await backend.backwardData(w, dyg, wg);
      const dw = await backend.backwardFilter(w, xg, dyg);
      expect(y.shape).toEqual(outDims);
      expect(dx.shape).toEqual(inDims);
      expect(dw.shape).toEqual(wDims);
      expect(maxRelErr(device.download(y), refY)).toBeLessThanOrEqual(tol);
      expect(maxRelErr(device.download(dx), refDx)).toBeLessThanOrEqual(tol);
      expect(maxRelErr(device.download(dw), refDw)).toBeLessThanOrEqual(tol);
      for (const tt of [xg, wg, dyg, y, dx, dw]) device.free(tt);
    });

    it('passes the shared conformance suite (@unet3d/core/testing)', async () => {
      const results = await checkBackendAgainstReference(backend, conformanceWorkloads(), {
        tolerance: tol,
        seed: 7,
      });
      const failed = results.filter((r) => !r.pass);
      expect(failed.map(formatConformanceResult)).toEqual([]);
    });

    it('records the cuDNN version and one chosen algorithm per workload and pass', () => {
      const d = backend.describe();
      expect(String(d['cudnnVersion'])).toMatch(/^9\./);
      const algos = d['algorithms'] as Record<string, { algo: string; mathType: string }>;
      expect(Object.keys(algos).length).toBeGreaterThanOrEqual(CASES.length * 3);
      if (mathMode === 'fp32') {
        for (const a of Object.values(algos)) expect(a.mathType).not.toMatch(/TENSOR_OP/);
      }
    });
  },
);
