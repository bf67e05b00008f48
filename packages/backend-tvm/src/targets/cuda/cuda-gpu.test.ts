import {
  CONV_PASSES,
  type ConvWorkload,
  convSpec,
  convWorkload,
  mixSeed,
  numel,
  seededRng,
  shape5d,
} from '@unet3d/core';
import { referenceConv } from '@unet3d/core/testing';
import { CudaDevice, cudaAvailability } from '@unet3d/cuda';
import { describe, expect, it } from 'vitest';
import { MeasureErrorNo } from '../../autotvm/measure-error.js';
import { createTask } from '../../autotvm/task.js';
import { passOperandShapes } from '../../pass-operands.js';
import { TvmConvBackend } from '../../tvm-conv-backend.js';
import { GpuMeasurer } from './cuda-measurer.js';
import { createCudaKernelRuntime } from './cuda-runtime.js';

/** GPU tests: run for real where a CUDA GPU is visible, skipped with the reason elsewhere. */
const avail = cudaAvailability();
const reason = avail.available ? '' : ` (skipped: ${avail.reason.split(' (')[0]})`;

const workloads: ConvWorkload[] = [
  convWorkload(shape5d(1, 3, 5, 6, 7), 5, convSpec({ kernel: 3, padding: 1 })),
  convWorkload(
    shape5d(1, 1, 3, 10, 9),
    4,
    convSpec({ kernel: [1, 5, 5], stride: [1, 2, 2], padding: [0, 2, 2] }),
  ),
  convWorkload(
    shape5d(1, 6, 3, 4, 5),
    3,
    convSpec({ kernel: [1, 2, 2], stride: [1, 2, 2], transposed: true }),
  ),
];

describe.skipIf(!avail.available)(`generated kernels on the GPU${reason}`, () => {
  it('random configs of every template give the reference answer (measure checks it)', async () => {
    const rt = await createCudaKernelRuntime();
    try {
      const measurer = new GpuMeasurer(rt.builder, rt.runner, { repeats: 2 });
      const rng = seededRng(mixSeed(11));
      for (const precision of ['fp32', 'tf32', 'bf16'] as const) {
        for (const w of workloads) {
          for (const pass of CONV_PASSES) {
            const task = createTask(w, pass, precision, measurer.target);
            const indices = Array.from({ length: 4 }, () => task.space.randomValid(rng)!);
            const results = await measurer.measureBatch(task, indices);
            for (const r of results) {
              expect(r.errorMsg ?? '').toBe('');
              expect(r.error).toBe(MeasureErrorNo.NO_ERROR);
              expect(r.costsMs.every((c) => c > 0)).toBe(true);
            }
          }
        }
      }
      measurer.dispose();
    } finally {
      rt.dispose();
    }
  });

  it('the backend (default configs) matches the float64 reference', async () => {
    const device = CudaDevice.create();
    const backend = await TvmConvBackend.create(
      { device, mathMode: 'fp32' },
      { tuningLogs: [], warn: () => {} },
    );
    try {
      const rng = seededRng(mixSeed(5));
      for (const w of workloads) {
        for (const pass of CONV_PASSES) {
          const [sa, sb] = passOperandShapes(w, pass);
          const a = Float32Array.from({ length: numel(sa) }, () => rng.next() * 2 - 1);
          const b = Float32Array.from({ length: numel(sb) }, () => rng.next() * 2 - 1);
          const ta = device.upload(a, sa);
          const tb = device.upload(b, sb);
          const out =
            pass === 'forward'
              ? await backend.forward(w, ta, tb)
              : pass === 'backwardData'
                ? await backend.backwardData(w, ta, tb)
                : await backend.backwardFilter(w, ta, tb);
          const got = device.download(out);
          const ref = referenceConv(pass, w, a, b);
          for (let i = 0; i < ref.length; i++) expect(got[i]).toBeCloseTo(ref[i]!, 3);
          for (const t of [ta, tb, out]) device.free(t);
        }
      }
    } finally {
      await backend.dispose();
      device.dispose();
    }
  });
});
