import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { convSpec, convWorkload, getBackendRegistration, resolveBackend } from '@unet3d/core';
import {
  CONFORMANCE_WORKLOADS,
  checkBackendAgainstReference,
  formatConformanceResult,
} from '@unet3d/core/testing';
import { CpuDevice } from '@unet3d/cpu';
import { afterAll, describe, expect, it } from 'vitest';
import { parseLog } from './autotvm/record.js';
import { tuneWorkloads } from './autotvm/tune.js';
import { CpuMeasurer } from './targets/cpu/cpu-measurer.js';
import { TvmCpuConvBackend } from './tvm-cpu-backend.js';
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
      const configs = backend.describe()['configs'] as Record<string, { source: string }>;
      expect(Object.values(configs).map((c) => c.source)).toEqual(['history', 'history', 'history']);
    } finally {
      await backend.dispose();
    }
  }, 600_000);

  it('resolves through the registry on a CPU device', async () => {
    const b = await resolveBackend(['tvm-cpu'], async () => new CpuDevice(), 'fp32');
    expect(b.name).toBe('tvm-cpu');
    await b.dispose();
  });
});
