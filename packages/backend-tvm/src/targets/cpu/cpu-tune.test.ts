import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ConvPass, convSpec, convWorkload, seededRng } from '@unet3d/core';
import { afterAll, describe, expect, it } from 'vitest';
import { MeasureErrorNo } from '../../autotvm/measure-error.js';
import { appendRecords, readLog, type TuningRecord } from '../../autotvm/record.js';
import { createTask } from '../../autotvm/task.js';
import { tuneWorkloads } from '../../autotvm/tune.js';
import { makeRecord } from '../../autotvm/tune-task.js';
import { CpuMeasurer } from './cpu-measurer.js';
import { cpuTarget } from './cpu-target.js';
import type { CpuLimits } from './cpu-template.js';

const dir = mkdtempSync(join(tmpdir(), 'tvm-cpu-tune-'));
const cacheDir = join(dir, 'so');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** AVX2's and AVX-512's limits, whatever this CPU has: generic vectors compile to narrower units anywhere. */
const AVX2: CpuLimits = { vectorWidths: [4, 8], registers: 16, threads: 1 };
const AVX512: CpuLimits = { vectorWidths: [4, 8, 16], registers: 32, threads: 1 };
const elsewhere = { device: 'cpu-amd-zen4-avx512-2c', driver: 'cc', cuda: 'none', commit: 'test' };
const ok = (ms: number) => ({
  costsMs: [ms],
  error: 0 as const,
  allCostS: 1,
  timestamp: new Date(0).toISOString(),
});

describe('tuning on the CPU: transfer and the time limit', () => {
  it('re-measures the valid foreign configs first, fastest first, and skips those invalid here (AVX-512 under AVX2)', async () => {
    // 32 output columns, so that 16-wide vectors are a candidate of the AVX-512 space.
    const w = convWorkload([1, 4, 4, 6, 32], 8, convSpec({ kernel: 3, padding: 'same' }));
    const t512 = createTask(w, 'forward', 'fp32', cpuTarget(AVX512));
    const t2 = createTask(w, 'forward', 'fp32', cpuTarget(AVX2));
    const knobs = (vl: number, nv: number, cb: number) => ({ vl, nv, cb, unroll: 0, order: 0, par: 0 });
    const rec = (k: ReturnType<typeof knobs>, ms: number): TuningRecord => {
      const index = t512.space.encode(k)!;
      expect(t512.space.isValid(index)).toBe(true);
      return makeRecord(t512, index, ok(ms), elsewhere, 'model-rf');
    };
    const failed = makeRecord(
      t512,
      t512.space.encode(knobs(4, 1, 1))!,
      { ...ok(0), costsMs: [], error: MeasureErrorNo.RUNTIME_DEVICE },
      elsewhere,
    );
    const foreign = [
      rec(knobs(16, 2, 4), 1), // the fastest, but 16-wide: not a config of the AVX2 space
      rec(knobs(8, 2, 8), 1.5), // 8×2 + 2 + 1 = 19 registers: valid with 32, invalid with 16
      rec(knobs(4, 2, 2), 3),
      rec(knobs(8, 2, 4), 2),
      failed,
    ];
    expect(t2.space.encode(knobs(16, 2, 4))).toBeUndefined();
    expect(t2.space.isValid(t2.space.encode(knobs(8, 2, 8))!)).toBe(false);
    const logPath = join(dir, 'seeded.jsonl');
    const measurer = new CpuMeasurer({ limits: AVX2, cacheDir, repeats: 1, threads: 1 });
    const tune = (budget: number) =>
      tuneWorkloads({
        workloads: [w],
        passes: ['forward'],
        precision: 'fp32',
        logPath,
        tuner: 'random',
        seed: 4,
        budget,
        batchSize: 4,
        foreign,
        measurer,
      });
    try {
      const first = await tune(6);
      const recs = readLog(logPath).records;
      // The first batch is the two foreign configs valid here, fastest first; then the tuner's own.
      expect(recs.slice(0, 2).map((r) => r.config.knobs)).toEqual([knobs(8, 2, 4), knobs(4, 2, 2)]);
      expect(recs).toHaveLength(6);
      expect(recs.every((r) => r.device === measurer.provenance.device && r.error === 0)).toBe(true);
      expect(recs.some((r) => r.config.knobs['vl'] === 16)).toBe(false);
      expect(first.tasks[0]!.seeded).toBe(2);
      // Resumed: the seeds were measured here already and are not measured again.
      const again = await tune(8);
      expect(again.tasks[0]!.seeded).toBe(0);
      expect(readLog(logPath).records).toHaveLength(8);
    } finally {
      measurer.dispose();
    }
  }, 180_000);

  it('a model-tuner tune resumed from a large log with a 3 s limit returns within seconds', async () => {
    const workloads = [4, 6, 8].map((c) =>
      convWorkload([1, c, 4, 6, 8], 8, convSpec({ kernel: 3, padding: 'same' })),
    );
    const target = cpuTarget(AVX2);
    // 1350 earlier records (150 per task): without the cap on transfer samples and the lazy fit, each task's
    // cost model took seconds to fit before the time limit was looked at.
    const rng = seededRng(7);
    const history: TuningRecord[] = [];
    for (const w of workloads)
      for (const pass of ['forward', 'backwardData', 'backwardFilter'] as ConvPass[]) {
        const task = createTask(w, pass, 'fp32', target);
        for (let i = 0; i < 150; i++)
          history.push(
            makeRecord(task, task.space.randomValid(rng)!, ok(1 + rng.next()), elsewhere, 'model-rf'),
          );
      }
    const logPath = join(dir, 'resumed.jsonl');
    appendRecords(logPath, history);
    const measurer = new CpuMeasurer({ limits: AVX2, cacheDir, repeats: 1, threads: 1 });
    try {
      const t0 = Date.now();
      const cpu0 = process.cpuUsage();
      const s = await tuneWorkloads({
        workloads,
        precision: 'fp32',
        logPath,
        tuner: 'model',
        seed: 1,
        budget: 400,
        batchSize: 4,
        deadline: t0 + 3000,
        measurer,
      });
      // This process's CPU time, not the wall clock (other work on a shared machine stretches the wall, not our
      // CPU time): the limit, one batch of 4 builds in flight, one capped model fit. Fitting a cost model per task
      // on 150 records before looking at the limit, as before, took about 40 s of CPU here.
      const cpu = process.cpuUsage(cpu0);
      expect((cpu.user + cpu.system) / 1e6).toBeLessThan(15);
      // Past the limit at most the batch of 4 that was in flight is measured.
      const after = readLog(logPath).records.filter((r) => Date.parse(r.timestamp) > t0 + 3000);
      expect(after.length).toBeLessThanOrEqual(4);
      expect(s.tasks).toHaveLength(9);
      expect(s.tasks.every((t) => t.timedOut)).toBe(true);
      // The last task was reached after the limit: nothing measured, no model fitted.
      const last = s.tasks.at(-1)!;
      expect(last.resumed).toBeGreaterThan(0);
      expect(last.trials).toBe(last.resumed);
    } finally {
      measurer.dispose();
    }
  }, 120_000);
});
