import { CONV_PASSES, type MathMode, mixSeed, seededRng } from '@unet3d/core';
import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../autotvm/default-config.js';
import { createTask, instantiate, type TuningTask } from '../autotvm/task.js';
import { referenceKernelSource } from '../targets/cuda/cuda-measurer.js';
import { cudaTarget } from '../targets/cuda/cuda-target.js';
import type { KernelBuildRequest } from '../targets/cuda/kernel-interfaces.js';
import { networkConvWorkloads } from '../workloads.js';
import { DEFAULT_LIMITS, type DeviceLimits, type KernelSource } from './template.js';

/**
 * Check without a GPU (NVRTC only): configs the tuner can emit for the scaled network's conv workloads
 * compile to sm_90 cubins with @unet3d/cuda's NVRTC compiler (the one the CUDA target uses). Sampled,
 * seeded: 20 random valid configs per template/precision over random (workload, pass) tasks, plus every
 * task's default config (what the backend runs untuned) and the on-device reference kernel.
 */
const nvrtc = await (async () => {
  try {
    const { NvrtcCompiler } = await import('@unet3d/cuda');
    return { compiler: new NvrtcCompiler({ cacheDir: null }) };
  } catch (err) {
    return { reason: (err as Error).message.split('\n')[0] };
  }
})();
const PER_PRECISION = 20;

describe.skipIf(!('compiler' in nvrtc))(
  `generated kernels compile with NVRTC${'compiler' in nvrtc ? '' : ` (skipped: ${nvrtc.reason})`}`,
  () => {
    it('random configs per template and every default config compile for sm_90', async () => {
      const rng = seededRng(mixSeed(2024));
      const workloads = networkConvWorkloads('scaled');
      const tasks = (precision: MathMode): TuningTask<KernelSource>[] =>
        workloads.flatMap((w) =>
          CONV_PASSES.map((p) =>
            createTask<DeviceLimits, KernelSource>(w, p, precision, cudaTarget(DEFAULT_LIMITS)),
          ),
        );
      const requests: (KernelBuildRequest & { label: string })[] = [];
      for (const precision of ['fp32', 'tf32', 'bf16'] as const) {
        const all = tasks(precision);
        for (let i = 0; i < PER_PRECISION; i++) {
          const task = rng.pick(all);
          const index = task.space.randomValid(rng)!;
          const { kernel } = instantiate(task, index);
          requests.push({ ...kernel, label: `${precision} ${task.pass} ${task.workloadKey} #${index}` });
        }
        if (precision === 'fp32') {
          for (const task of all) {
            const { index } = defaultConfig(task);
            const { kernel } = instantiate(task, index);
            requests.push({ ...kernel, label: `default ${task.pass} ${task.workloadKey}` });
          }
          const t = all[0]!;
          requests.push({
            name: 'ref_check',
            source: referenceKernelSource(t, 'ref_check'),
            includes: [],
            label: 'reference',
          });
        }
      }
      const { NvrtcCompileError } = await import('@unet3d/cuda');
      const compiler = (nvrtc as { compiler: import('@unet3d/cuda').NvrtcCompiler }).compiler;
      const failures: string[] = [];
      for (const r of requests) {
        try {
          const out = compiler.compile({ name: `${r.name}.cu`, source: r.source }, 'sm_90');
          expect(out.cubin.length).toBeGreaterThan(0);
        } catch (err) {
          failures.push(
            `${r.label}: ${err instanceof NvrtcCompileError ? err.message.split('\n')[0] : String(err)}`,
          );
        }
      }
      expect(failures).toEqual([]);
    });
  },
);
