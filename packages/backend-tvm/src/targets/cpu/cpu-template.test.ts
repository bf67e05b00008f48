import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { convSpec, convWorkload } from '@unet3d/core';
import { detectCpuFeatures } from '@unet3d/native';
import { afterAll, describe, expect, it } from 'vitest';
import { ApplyHistoryBest } from '../../autotvm/history-best.js';
import { MeasureErrorNo } from '../../autotvm/measure-error.js';
import type { TuningRecord } from '../../autotvm/record.js';
import { createTask } from '../../autotvm/task.js';
import { CpuMeasurer } from './cpu-measurer.js';
import { cpuLimitsFromFeatures, cpuTarget } from './cpu-target.js';
import type { CpuLimits } from './cpu-template.js';

const dir = mkdtempSync(join(tmpdir(), 'tvm-cpu-tpl-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const AVX512: CpuLimits = { vectorWidths: [4, 8, 16], registers: 32, threads: 2 };
const AVX2: CpuLimits = { vectorWidths: [4, 8], registers: 16, threads: 2 };
// 5 input and 3 output channels: blocks of 2, 4 and 6 divide neither, so those tiles have remainders.
const w = convWorkload([1, 5, 3, 5, 7], 3, convSpec({ kernel: 3, padding: 'same' }));

// The measurer tunes under the limits of the detected features (narrowed by UNET3D_CPU_FEATURES).
const features = detectCpuFeatures();
const detected = cpuLimitsFromFeatures(features);
const isa = `this CPU: ${features.identity.isa}, ${detected.registers} vector registers`;
// A weight-gradient tile needs cb·ccb·Kw accumulators + cb + 1 registers (Kw = 3 here).
const TILES_16 = [
  { cb: 2, ccb: 2, rows: 4, par: 0 }, // 15 registers
  { cb: 3, ccb: 1, rows: 2, par: 1 }, // 13
  { cb: 1, ccb: 4, rows: 1, par: 0 }, // 14
];
const TILES_32 = [
  { cb: 2, ccb: 3, rows: 4, par: 0 }, // 21
  { cb: 3, ccb: 2, rows: 2, par: 1 }, // 22
  { cb: 2, ccb: 4, rows: 1, par: 0 }, // 27
  { cb: 1, ccb: 6, rows: 8, par: 1 }, // 20
];

/** Measure weight-gradient tiles for real (each checked against the float64 reference) at 8 and 4 lanes. */
async function measureTiles(tiles: readonly { cb: number; ccb: number; rows: number; par: number }[]) {
  const m = new CpuMeasurer({ cacheDir: join(dir, 'so'), repeats: 1, threads: 1 });
  try {
    const task = createTask(w, 'backwardFilter', 'fp32', m.target);
    const vl = m.target.limits.vectorWidths.includes(8) ? 8 : 4;
    const configs = tiles.map((t, i) => ({ ...t, vl: i % 2 === 0 ? vl : 4 }));
    const indices = configs.map((c) => task.space.encode(c)!);
    for (const i of indices) expect(task.space.invalidReason(i)).toBeUndefined();
    // The measurer checks each config's first run against the float64 reference (1e-4, relative to max|ref|).
    const results = await m.measureBatch(task, indices);
    expect(results.map((r) => r.errorMsg ?? r.error)).toEqual(configs.map(() => MeasureErrorNo.NO_ERROR));
  } finally {
    m.dispose();
  }
}

describe('CPU weight-gradient template', () => {
  it('tiles that fit 16 vector registers (any x86-64 or arm64), with remainders, match the float64 reference', async () => {
    await measureTiles(TILES_16);
  }, 600_000);

  it.skipIf(detected.registers < 32)(
    `tiles that need 32 registers, with remainders, match the float64 reference (needs AVX-512 or NEON; ${isa})`,
    async () => {
      await measureTiles(TILES_32);
    },
    600_000,
  );

  it('the 32-register tiles are invalid with 16 registers; the 16-register ones are valid with both', () => {
    for (const limits of [AVX2, AVX512]) {
      const task = createTask(w, 'backwardFilter', 'fp32', cpuTarget(limits));
      const reason = (t: (typeof TILES_16)[number]) =>
        task.space.invalidReason(task.space.encode({ ...t, vl: 8 })!);
      for (const t of TILES_16) expect(reason(t)).toBeUndefined();
      for (const t of TILES_32)
        expect(reason(t)).toBe(
          limits === AVX512 ? undefined : `${t.cb}×${t.ccb}×3 accumulators exceed 16 registers`,
        );
    }
  });

  it('the fallback is the largest register tile that fits: 4×2×3 with 32 registers, smaller with 16', () => {
    const big = convWorkload([1, 64, 16, 16, 16], 64, convSpec({ kernel: 3, padding: 'same' }));
    const t512 = createTask(big, 'backwardFilter', 'fp32', cpuTarget(AVX512));
    const f512 = t512.template.fallback!(t512.problem, AVX512);
    // cb·ccb·Kw accumulators + cb A vectors + 1 B vector ≤ 32: 4·2·3 + 4 + 1 = 29 (2.4 FMAs per load).
    // Rows: 16 KiB of A per channel = 256 rows of 16 floats, i.e. the whole tensor in one chunk, so the
    // threads split the channel blocks instead (par 1).
    expect(f512).toEqual({ vl: 16, cb: 4, ccb: 2, rows: 256, par: 1 });
    expect(t512.space.isValid(t512.space.encode(f512)!)).toBe(true);
    const t2 = createTask(big, 'backwardFilter', 'fp32', cpuTarget(AVX2));
    const f2 = t2.template.fallback!(t2.problem, AVX2);
    // ≤ 16: 2·2·3 + 2 + 1 = 15 (2.0 FMAs per load) beats 4·1·3 + 4 + 1 = 17 (does not fit) and 3·1·3 (1.5).
    expect(f2).toMatchObject({ vl: 8, cb: 2, ccb: 2 });
    expect(t2.space.isValid(t2.space.encode(f2)!)).toBe(true);
  });

  it('records of the earlier weight-gradient template are not applied (template version)', () => {
    const task = createTask(w, 'backwardFilter', 'fp32', cpuTarget(AVX512));
    const knobs = { vl: 8, cb: 2, rows: 4, par: 0 };
    const record = {
      v: 1,
      workload: task.workloadKey,
      pass: 'backwardFilter',
      precision: 'fp32',
      target: 'cpu',
      template: 'cpu-wgrad',
      space: 'old',
      gemm: { kind: 'wgrad', m: 3, n: 1, k: 1 },
      config: { index: 0, knobs },
      costsMs: [0.001],
      error: 0,
      errorName: 'NO_ERROR',
      allCostS: 0,
      timestamp: '2026-01-01T00:00:00.000Z',
      device: 'test',
      driver: 'test',
      cuda: 'none',
      commit: 'test',
    } as unknown as TuningRecord;
    const warnings: string[] = [];
    const chosen = new ApplyHistoryBest([record], (m) => warnings.push(m)).query(task);
    expect(chosen.source).toBe('default');
    expect(warnings).toHaveLength(1);
    expect(task.template.name).toBe('cpu-wgrad2');
  });
});
