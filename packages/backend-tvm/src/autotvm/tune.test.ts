import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { convSpec, convWorkload, shape5d } from '@unet3d/core';
import { describe, expect, it } from 'vitest';
import { cudaTarget } from '../targets/cuda/cuda-target.js';
import { SyntheticMeasurer } from '../testing/synthetic-measure.js';
import { defaultConfig } from './default-config.js';
import { ApplyHistoryBest } from './history-best.js';
import { readLog, taskKeyOf } from './record.js';
import { createTask } from './task.js';
import { tuneWorkloads } from './tune.js';
import { transferSamples } from './tune-task.js';

const w1 = convWorkload(shape5d(1, 24, 16, 16, 16), 24, convSpec({ kernel: 3, padding: 1 }));
const w2 = convWorkload(shape5d(1, 32, 16, 16, 16), 24, convSpec({ kernel: 3, padding: 1 }));

/** A smooth synthetic cost of the SIMT knobs (ms): best near 64×64 tiles, 4×4 per thread, staged. */
const cost = (v: Readonly<Record<string, number>>): number =>
  1 +
  Math.abs(Math.log2(v['tile_m']! / 64)) +
  Math.abs(Math.log2(v['tile_n']! / 64)) * 0.8 +
  Math.abs(Math.log2(v['thread_m']! / 4)) * 0.5 +
  Math.abs(Math.log2(v['thread_n']! / 4)) * 0.5 +
  (1 - v['stage_a']!) * 0.7 +
  (1 - v['stage_b']!) * 0.7 +
  Math.abs(Math.log2(v['tile_k']! / 8)) * 0.2 +
  (v['vec'] === 4 ? 0 : 0.1);

const gpuHere = await import('@unet3d/cuda').then(
  (c) => c.cudaAvailability().available,
  () => false,
);

describe('tuneWorkloads (synthetic measurer)', () => {
  it('logs every trial, resumes after a kill without re-measuring, and writes no summary beside the log', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tvm-tune-'));
    const logPath = join(dir, 'log.jsonl');
    const base = {
      workloads: [w1],
      passes: ['forward'] as const,
      precision: 'fp32' as const,
      logPath,
      tuner: 'ga' as const,
      seed: 3,
    };
    const m1 = new SyntheticMeasurer(cost);
    const s1 = await tuneWorkloads({ ...base, budget: 24, measurer: m1 });
    expect(m1.measured).toBe(24);
    expect(s1.tasks[0]!.trials).toBe(24);
    expect(readLog(logPath).records).toHaveLength(24);

    // "Kill" and rerun with a bigger budget: the 24 logged trials count and are not measured again.
    const m2 = new SyntheticMeasurer(cost);
    const s2 = await tuneWorkloads({ ...base, budget: 40, measurer: m2 });
    expect(s2.tasks[0]!.resumed).toBe(24);
    expect(m2.measured).toBe(16);
    const recs = readLog(logPath).records;
    expect(recs).toHaveLength(40);
    expect(new Set(recs.map((r) => r.config.index)).size).toBe(40);
    expect(s2.tasks[0]!.bestCostMs).toBeLessThanOrEqual(s1.tasks[0]!.bestCostMs);
    for (const r of recs) {
      expect(r.device).toBe('synthetic');
      expect(r.commit).toBe('test');
      expect(r.workload).toBe(createTask(w1, 'forward', 'fp32', cudaTarget()).workloadKey);
    }

    // A rerun within the budget measures nothing.
    const m3 = new SyntheticMeasurer(cost);
    await tuneWorkloads({ ...base, budget: 40, measurer: m3 });
    expect(m3.measured).toBe(0);

    // Only the log is written; its best record applies; a workload without records falls back to the
    // default with one warning.
    expect(readdirSync(dir)).toEqual(['log.jsonl']);
    const warnings: string[] = [];
    const h = ApplyHistoryBest.fromLogs([logPath], (m) => warnings.push(m));
    const chosen = h.query(createTask(w1, 'forward', 'fp32', cudaTarget()));
    expect(chosen.source).toBe('history');
    expect(chosen.costMs).toBeCloseTo(s2.tasks[0]!.bestCostMs);
    const other = createTask(w2, 'forward', 'fp32', cudaTarget());
    expect(h.query(other).source).toBe('default');
    expect(h.query(createTask(w2, 'backwardData', 'fp32', cudaTarget())).source).toBe('default');
    expect(warnings).toHaveLength(1);
    expect(other.space.isValid(h.query(other).index)).toBe(true);
  });

  it('the model tuner uses records of a similar workload (transfer) and early stopping ends a flat search', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tvm-tune-'));
    const logPath = join(dir, 'log.jsonl');
    const common = { passes: ['forward'] as const, precision: 'fp32' as const, logPath, seed: 1 };
    await tuneWorkloads({
      ...common,
      workloads: [w1],
      budget: 48,
      tuner: 'random',
      measurer: new SyntheticMeasurer(cost),
    });
    const t2 = createTask(w2, 'forward', 'fp32', cudaTarget());
    const samples = transferSamples(t2, readLog(logPath).records);
    expect(samples).toHaveLength(48);
    expect(Math.max(...samples.map((s) => s.score))).toBe(1);
    const s = await tuneWorkloads({
      ...common,
      workloads: [w2],
      budget: 32,
      tuner: 'model',
      measurer: new SyntheticMeasurer(cost),
    });
    expect(s.tasks[0]!.trials).toBe(32);
    // Seeded with 48 samples, the model's first planned batch is already good.
    const w2recs = readLog(logPath).records.filter((r) => taskKeyOf(r) === t2.id);
    const firstBatchBest = Math.min(...w2recs.slice(0, 8).map((r) => r.costsMs[0] ?? Infinity));
    const randomFirst = Math.min(
      ...readLog(logPath)
        .records.slice(0, 8)
        .map((r) => r.costsMs[0] ?? Infinity),
    );
    expect(firstBatchBest).toBeLessThanOrEqual(randomFirst);

    const flat = await tuneWorkloads({
      ...common,
      logPath: join(dir, 'flat.jsonl'),
      workloads: [w1],
      budget: 200,
      tuner: 'random',
      earlyStopping: 16,
      measurer: new SyntheticMeasurer(() => 1),
    });
    expect(flat.tasks[0]!.stoppedEarly).toBe(true);
    expect(flat.tasks[0]!.trials).toBeLessThan(40);
  });

  it('the weighted schedule times every fallback once, then tunes the largest share first; unused tasks are left alone', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tvm-tune-'));
    const logPath = join(dir, 'log.jsonl');
    const t = (w: typeof w1, pass: 'forward' | 'backwardFilter') => createTask(w, pass, 'fp32', cudaTarget());
    // The same landscape scaled per task: w1's weight gradient costs 3×, w2's forward 2×, w1's forward 1×;
    // w2's weight gradient never runs in the iteration (0 uses).
    const scale = new Map([
      [t(w1, 'forward').id, 1],
      [t(w1, 'backwardFilter').id, 3],
      [t(w2, 'forward').id, 2],
      [t(w2, 'backwardFilter').id, 5],
    ]);
    const plans: number[][] = [];
    const s = await tuneWorkloads({
      workloads: [w1, w2],
      passes: ['forward', 'backwardFilter'],
      precision: 'fp32',
      logPath,
      tuner: 'random',
      seed: 2,
      budget: 8,
      batchSize: 4,
      schedule: 'weighted',
      taskUses: new Map([[`${t(w2, 'backwardFilter').workloadKey}|backwardFilter`, 0]]),
      measurer: new SyntheticMeasurer((v, task) => cost(v) * scale.get(task.id)!),
      onPlan: (plan) => plans.push(plan.map((p) => p.trials)),
    });
    const recs = readLog(logPath).records;
    const used = [t(w1, 'forward'), t(w1, 'backwardFilter'), t(w2, 'forward')];
    // First the fallback of each used task, once, in layer order.
    expect(recs.slice(0, 3).map((r) => [taskKeyOf(r), r.tuner, r.config.index])).toEqual(
      used.map((task) => [task.id, 'fallback', defaultConfig(task).index]),
    );
    // Then the tasks by share: 3×, 2×, 1×; each up to its budget of 8 (the fallback counted).
    const order = [...new Set(recs.slice(3).map((r) => taskKeyOf(r)))];
    expect(order).toEqual([used[1]!.id, used[2]!.id, used[0]!.id]);
    for (const task of used) expect(recs.filter((r) => taskKeyOf(r) === task.id)).toHaveLength(8);
    expect(recs.some((r) => taskKeyOf(r) === t(w2, 'backwardFilter').id)).toBe(false);
    expect(plans).toEqual([[7, 7, 7]]);
    expect(s.tasks.map((x) => x.trials)).toEqual([8, 8, 8, 0]);
  });

  it.skipIf(gpuHere)(
    'the CUDA measurer needs a GPU, and says so in one line',
    async () => {
      const { createGpuMeasurer } = await import('../targets/cuda/cuda-child-measurer.js');
      const err = await createGpuMeasurer(0).then(
        (m) => {
          m.dispose?.();
          return new Error('created a GPU measurer without a GPU');
        },
        (e: unknown) => e as Error,
      );
      expect(err.message).toMatch(/could not open a GPU/);
      expect(err.message).not.toContain('\n');
    },
    120_000,
  );
});
