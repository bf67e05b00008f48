import { CONV_PASSES, type MathMode } from '@unet3d/core';
import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../autotvm/default-config.js';
import { referenceKernelSource } from '../autotvm/measure.js';
import { createTask, instantiate, type TuningTask } from '../autotvm/task.js';
import type { KernelBuildRequest } from '../gpu/kernel-interfaces.js';
import { findNvcc, NvccBuilder } from '../gpu/nvcc-builder.js';
import { mixSeed, seededRng } from '@unet3d/core';
import { networkConvWorkloads } from '../workloads.js';
import { DEFAULT_LIMITS, type DeviceLimits, type KernelSource } from './template.js';
import { cudaTarget } from '../targets/cuda/cuda-target.js';

/**
 * CPU-side check (no GPU): configs the tuner can emit for the scaled network's conv workloads compile with
 * `nvcc -arch=sm_90 -cubin -Xptxas -v`. Sampled, seeded: 20 random valid configs per template/precision
 * over random (workload, pass) tasks, plus every task's default config (what the backend runs untuned)
 * and the on-device reference kernel. Registers and spills are reported.
 */
const nvcc = findNvcc();
const PER_PRECISION = 20;

describe.skipIf(!nvcc)(
  `generated kernels compile with nvcc${nvcc ? '' : ' (skipped: nvcc not found on PATH)'}`,
  () => {
    it('random configs per template and every default config compile for sm_90', async () => {
      const rng = seededRng(mixSeed(2024));
      const workloads = networkConvWorkloads('scaled');
      const tasks = (precision: MathMode): TuningTask<KernelSource>[] =>
        workloads.flatMap((w) => CONV_PASSES.map((p) => createTask<DeviceLimits, KernelSource>(w, p, precision, cudaTarget(DEFAULT_LIMITS))));
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
      const builder = new NvccBuilder({ batchSize: 12, concurrency: 2 });
      const results = await builder.buildMany(requests, { arch: 90, timeoutMs: 60_000 });
      const failures = results.flatMap((r, i) => (r.ok ? [] : [`${requests[i]!.label}: ${r.message}`]));
      expect(failures).toEqual([]);
      const stats = results.map((r, i) => ({
        label: requests[i]!.label,
        registers: r.ok ? (r.kernel.registers ?? -1) : -1,
        spill: r.ok ? (r.kernel.spillStoreBytes ?? 0) + (r.kernel.spillLoadBytes ?? 0) : -1,
      }));
      for (const s of stats) expect(s.registers).toBeGreaterThan(0);
      const regs = stats.map((s) => s.registers);
      const spilled = stats.filter((s) => s.spill > 0);
      console.log(
        `[nvcc sm_90] ${stats.length} kernels compiled; registers min ${Math.min(...regs)} median ${regs.sort((a, b) => a - b)[regs.length >> 1]} max ${Math.max(...regs)}; ${spilled.length} with spills${spilled.length ? `: ${spilled.map((s) => `${s.label} (${s.spill} B)`).join('; ')}` : ''}`,
      );
    });
  },
);
