import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ConvPass, convSpec, convWorkload, getBackendRegistration, resolveBackend } from '@unet3d/core';
import {
  CONFORMANCE_WORKLOADS,
  checkBackendAgainstReference,
  formatConformanceResult,
} from '@unet3d/core/testing';
import { CpuDevice } from '@unet3d/cpu';
import { detectCpuFeatures } from '@unet3d/native';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultConfig } from './autotvm/default-config.js';
import { appendRecords, parseLog } from './autotvm/record.js';
import { createTask } from './autotvm/task.js';
import { tuneWorkloads } from './autotvm/tune.js';
import { makeRecord } from './autotvm/tune-task.js';
import type { ConfigSources } from './config-sources.js';
import { CpuMeasurer } from './targets/cpu/cpu-measurer.js';
import { cpuLimitsFromFeatures, cpuTarget } from './targets/cpu/cpu-target.js';
import { cpuTuningDir } from './targets/cpu/cpu-tuning-logs.js';
import { type TvmCpuBackendOptions, TvmCpuConvBackend, tvmCpuOptionsFromExtra } from './tvm-cpu-backend.js';
import './register.js';

const dir = mkdtempSync(join(tmpdir(), 'tvm-cpu-'));
const cacheDir = join(dir, 'so-cache');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('tvm-cpu backend', () => {
  it('registers on the cpu below onnxruntime for auto', () => {
    const reg = getBackendRegistration('tvm-cpu');
    expect(reg.deviceKind).toBe('cpu');
    expect(reg.priority).toBeLessThan(10);
  });

  it('fallback configs pass the shared conformance suite on every workload and pass (fp32, 1e-4)', async () => {
    const device = new CpuDevice();
    const backend = await TvmCpuConvBackend.create(
      { device, mathMode: 'fp32' },
      { tuningLogs: [], cacheDir, warn: () => {} },
    );
    try {
      const results = await checkBackendAgainstReference(backend, CONFORMANCE_WORKLOADS, {
        tolerance: 1e-4,
        seed: 3,
      });
      const failed = results.filter((r) => !r.pass).map(formatConformanceResult);
      expect(failed).toEqual([]);
      expect(results.length).toBe(CONFORMANCE_WORKLOADS.length * 3);
    } finally {
      await backend.dispose();
    }
  }, 600_000);

  it('refuses a float64 device and a non-fp32 math mode with one line', async () => {
    await expect(
      TvmCpuConvBackend.create(
        { device: new CpuDevice({ precision: 'float64' }), mathMode: 'fp32' },
        { tuningLogs: [] },
      ),
    ).rejects.toThrow(/float32 CPU device/);
    await expect(
      TvmCpuConvBackend.create({ device: new CpuDevice(), mathMode: 'tf32' }, { tuningLogs: [] }),
    ).rejects.toThrow(/fp32' only/);
  });

  it('tunes one small workload for real, logs every trial, and its best kernels pass conformance', async () => {
    const w = convWorkload([1, 4, 6, 10, 20], 8, convSpec({ kernel: 3, padding: 'same' }));
    const logPath = join(dir, 'tune.jsonl');
    const measurer = new CpuMeasurer({ repeats: 2, cacheDir, seed: 1 });
    let summary: Awaited<ReturnType<typeof tuneWorkloads>>;
    try {
      summary = await tuneWorkloads({
        workloads: [w],
        budget: 4,
        batchSize: 4,
        precision: 'fp32',
        logPath,
        tuner: 'random',
        seed: 1,
        measurer,
      });
    } finally {
      measurer.dispose();
    }
    const log = parseLog(readFileSync(logPath, 'utf8'));
    expect(log.problems).toEqual([]);
    expect(log.records.length).toBe(12);
    expect(log.records.every((r) => r.template.startsWith('cpu-'))).toBe(true);
    const ok = log.records.filter((r) => r.error === 0);
    expect(ok.length).toBeGreaterThanOrEqual(9);
    for (const t of summary.tasks) expect(Number.isFinite(t.bestCostMs)).toBe(true);
    const device = new CpuDevice();
    const backend = await TvmCpuConvBackend.create(
      { device, mathMode: 'fp32' },
      { tuningLogs: [logPath], cacheDir },
    );
    try {
      const results = await checkBackendAgainstReference(backend, [w], { tolerance: 1e-4, seed: 9 });
      expect(results.filter((r) => !r.pass).map(formatConformanceResult)).toEqual([]);
      const configs = backend.describe()['configs'] as Record<string, { source: string; measuredOn: string }>;
      expect(Object.values(configs).map((c) => c.source)).toEqual(['history', 'history', 'history']);
      // The records name the identity that measured them, and the backend counts them as tuned here.
      expect(new Set(log.records.map((r) => r.device))).toEqual(new Set([detectCpuFeatures().slug]));
      expect(backend.describe()['configSources']).toMatchObject({
        tunedHere: 3,
        transferred: 0,
        fallback: 0,
      });
    } finally {
      await backend.dispose();
    }
  }, 600_000);

  it('a --tuning-from log is applied as transferred, with its slug; a foreign log is never applied without it', async () => {
    const root = join(dir, 'from-results');
    const here = detectCpuFeatures().slug;
    // Another identity, whatever this CPU is: this one with one core more.
    const foreign = here.replace(/-(\d+)c$/, (_m, n: string) => `-${Number(n) + 1}c`);
    const w = convWorkload([1, 4, 4, 6, 8], 8, convSpec({ kernel: 3, padding: 'same' }));
    const target = cpuTarget(cpuLimitsFromFeatures(detectCpuFeatures()));
    const task = (pass: ConvPass) => createTask(w, pass, 'fp32', target);
    // A valid config of the task other than its fallback, "measured" on `device` (1 ms).
    const record = (pass: ConvPass, device: string, fallback = false) => {
      const t = task(pass);
      const fb = defaultConfig(t).index;
      let index = fb;
      for (let i = 0; !fallback && i < t.space.size; i++) if (i !== fb && t.space.isValid(i)) index = i;
      const result = { costsMs: [1], error: 0 as const, allCostS: 0, timestamp: new Date(0).toISOString() };
      return makeRecord(t, index, result, { device, driver: 'cc', cuda: 'none', commit: 'test' }, 'model-rf');
    };
    const transferred = [record('forward', foreign), record('backwardFilter', foreign)];
    appendRecords(join(cpuTuningDir(root, foreign), 'scaled-fp32.jsonl'), transferred);
    const sourcesOf = async (options: TvmCpuBackendOptions) => {
      const b = await TvmCpuConvBackend.create(
        { device: new CpuDevice(), mathMode: 'fp32' },
        { ...options, cacheDir, warn: () => {} },
      );
      try {
        await b.prepare(w, ['forward', 'backwardData', 'backwardFilter']);
        const failed = (await checkBackendAgainstReference(b, [w], { tolerance: 1e-4, seed: 5 })).filter(
          (r) => !r.pass,
        );
        expect(failed.map(formatConformanceResult)).toEqual([]);
        const d = b.describe();
        return {
          sources: d['configSources'] as ConfigSources,
          configs: d['configs'] as Record<string, { knobs: object }>,
        };
      } finally {
        await b.dispose();
      }
    };
    const plain = await sourcesOf(tvmCpuOptionsFromExtra({ results: root }));
    expect(plain.sources).toMatchObject({ here, from: null, tunedHere: 0, transferred: 0, fallback: 3 });
    const from = await sourcesOf(tvmCpuOptionsFromExtra({ results: root, tuningFrom: foreign }));
    expect(from.sources).toMatchObject({ here, from: foreign, tunedHere: 0, transferred: 2, fallback: 1 });
    expect(from.sources.tasks[task('forward').id]).toEqual({ source: 'transferred', measuredOn: foreign });
    expect(from.sources.tasks[task('backwardData').id]).toEqual({ source: 'fallback' });
    expect(from.configs[task('forward').id]!.knobs).toEqual(transferred[0]!.config.knobs);
    // This identity's own log: a searched config is tuned here; a lone measurement of the fallback is not.
    appendRecords(join(cpuTuningDir(root, here), 'scaled-fp32.jsonl'), [
      record('forward', here),
      record('backwardData', here, true),
    ]);
    const own = await sourcesOf(tvmCpuOptionsFromExtra({ results: root }));
    expect(own.sources).toMatchObject({ here, from: null, tunedHere: 1, transferred: 0, fallback: 2 });
  }, 300_000);

  it('resolves through the registry on a CPU device', async () => {
    const b = await resolveBackend(['tvm-cpu'], async () => new CpuDevice(), 'fp32');
    expect(b.name).toBe('tvm-cpu');
    await b.dispose();
  });
});
