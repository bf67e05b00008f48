import { mkdir, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tuneWorkloads } from '@unet3d/backend-tvm';
import { SyntheticMeasurer } from '@unet3d/backend-tvm/testing';
import { convSpec, convWorkload } from '@unet3d/core';
import { flopsAnalytic } from '@unet3d/report';
import { sampleRun } from '@unet3d/report/testing';
import { deviceFolderSlug, deviceSlug, identitySlug } from '@unet3d/results';
import { describe, expect, it } from 'vitest';
import { runReportCommand } from './run-report.js';
import { tuningLogsFor, tuningSlugOf } from './tuning-logs.js';

describe('tuning convergence in the report', () => {
  it('finds the device’s tuning logs and renders best-so-far GFLOP/s against trials', async () => {
    const analytic = flopsAnalytic();
    const run = sampleRun({ analytic, device: 'cuda', patch: [16, 32, 32] });
    const root = await mkdtemp(join(tmpdir(), 'unet3d-tuning-report-'));
    const slug = deviceSlug({ kind: 'cuda', name: run.provenance.device.name });
    // A real tuning run of two workloads, measured by a synthetic cost function (no GPU here).
    const workloads = [
      convWorkload([1, 8, 4, 8, 8], 8, convSpec({ kernel: 3, padding: 1 })),
      convWorkload([1, 16, 4, 8, 8], 8, convSpec({ kernel: 1 })),
    ];
    await tuneWorkloads({
      workloads,
      passes: ['forward', 'backwardFilter'],
      precision: 'fp32',
      logPath: join(root, 'tuning', slug, 'test-fp32.jsonl'),
      tuner: 'random',
      seed: 1,
      budget: 12,
      measurer: new SyntheticMeasurer((v) => 0.01 + 0.001 * ((v['tile_k'] ?? 1) % 7)),
    });
    const logs = await tuningLogsFor(root, run);
    expect(logs?.records).toHaveLength(4 * 12);
    expect(logs?.sources).toEqual([join(root, 'tuning', slug, 'test-fp32.jsonl')]);

    const resultsFile = join(root, slug, '2026-01-01T00-00-00.000Z.json');
    await (await import('@unet3d/results')).writeResultsAtomic(resultsFile, run);
    const out: string[] = [];
    const code = await runReportCommand(
      { files: [resultsFile], results: root },
      { analytic, out: (t) => out.push(t), err: () => {} },
    );
    expect(code).toBe(0);
    const names = await readdir(join(root, slug, 'report'));
    expect(names).toContain('tuning-convergence.png');
    const md = await readFile(join(root, slug, 'report', 'report.md'), 'utf8');
    expect(md).toMatch(/Tuning convergence of the tuned backend: .*48 trials/);
  });

  it('a CPU run finds the logs its tuned row applied (configSources), else its device folder', async () => {
    const root = await mkdtemp(join(tmpdir(), 'unet3d-tuning-report-'));
    const run = sampleRun({ analytic: flopsAnalytic(), device: 'cpu', patch: [16, 32, 32] });
    const logOf = async (slug: string): Promise<string> => {
      await mkdir(join(root, 'tuning', slug), { recursive: true });
      await writeFile(join(root, 'tuning', slug, 'scaled-fp32.jsonl'), '');
      return join(root, 'tuning', slug, 'scaled-fp32.jsonl');
    };
    const zen3 = await logOf('cpu-amd-zen3-avx2-2c');
    const zen4 = await logOf('cpu-amd-zen4-avx512-2c');
    const legacy = await logOf(deviceFolderSlug(run.provenance.device));
    const withSources = (configSources: Record<string, unknown>) => ({
      ...run,
      rows: run.rows.map((r) => (r.paperRow === 4 ? { ...r, backendDetails: { configSources } } : r)),
    });
    const from = withSources({ here: 'cpu-amd-zen3-avx2-2c', from: 'cpu-amd-zen4-avx512-2c' });
    expect(tuningSlugOf(from)).toBe('cpu-amd-zen4-avx512-2c');
    expect((await tuningLogsFor(root, from))?.sources).toEqual([zen4]);
    const here = withSources({ here: 'cpu-amd-zen3-avx2-2c', from: null });
    expect((await tuningLogsFor(root, here))?.sources).toEqual([zen3]);
    // A run that recorded neither: the folder of its device (here a run without an identity: its name).
    expect((await tuningLogsFor(root, run))?.sources).toEqual([legacy]);
  });

  it("finds a GPU run's logs in its identity's folder (<name>-sm90), where tune --target cuda writes them", async () => {
    const sample = sampleRun({ analytic: flopsAnalytic(), device: 'cuda', patch: [16, 32, 32] });
    const identity = {
      kind: 'cuda' as const,
      name: sample.provenance.device.name,
      sm: '9.0',
      memoryBytes: null,
      driver: null,
    };
    const run = {
      ...sample,
      provenance: { ...sample.provenance, device: { ...sample.provenance.device, identity } },
    };
    const root = await mkdtemp(join(tmpdir(), 'unet3d-tuning-identity-'));
    const logPath = join(root, 'tuning', identitySlug(identity), 'scaled-fp32.jsonl');
    expect(identitySlug(identity)).toMatch(/-sm90$/);
    await tuneWorkloads({
      workloads: [convWorkload([1, 8, 4, 8, 8], 8, convSpec({ kernel: 3, padding: 1 }))],
      passes: ['forward'],
      precision: 'fp32',
      logPath,
      tuner: 'random',
      seed: 1,
      budget: 4,
      measurer: new SyntheticMeasurer(() => 0.01),
    });
    const logs = await tuningLogsFor(root, run);
    expect(logs?.sources).toEqual([logPath]);
    expect(logs?.records).toHaveLength(4);
  });

  it('has nothing to add without a tuning folder', async () => {
    const run = sampleRun({ analytic: flopsAnalytic(), device: 'cpu', patch: [16, 32, 32] });
    expect(await tuningLogsFor(await mkdtemp(join(tmpdir(), 'x-')), run)).toBeUndefined();
  });
});
