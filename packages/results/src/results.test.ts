import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { DataFileError } from '@unet3d/core';
import { describe, expect, it } from 'vitest';
import { deviceSlug } from './device-slug.js';
import { newestResultsPerDevice } from './find.js';
import { loadResults } from './load.js';
import { perLayerTiming, rowMetrics } from './row-metrics.js';
import type { BenchRunInput } from './run-schema.js';
import { summarizeSamples } from './samples.js';
import { throughputFromMacs } from './throughput.js';
import { resultsPathFor, rewriteResultsAtomic, writeResultsAtomic, writeRunToResultsDir } from './write.js';

function tinyRun(): BenchRunInput {
  const samples = [10, 12, 11, 13];
  return {
    schemaVersion: 1,
    provenance: {
      date: '2025-03-01T10:00:00.000Z',
      gitCommit: 'abc1234',
      gitDirty: false,
      command: ['bench'],
      device: {
        kind: 'cpu',
        name: 'Test CPU',
        cores: 2,
        gpuName: null,
        driverVersion: null,
        cudaVersion: null,
        cudnnVersion: null,
        computeCapability: null,
        memoryBytes: 1e9,
        profile: null,
      },
      host: { os: 'linux', arch: 'x64', cpuModel: 'Test CPU', cores: 2, memoryBytes: 1e9 },
      runtimes: { node: 'v20.0.0', onnxruntime: null },
      packages: { '@unet3d/results': '0.1.0' },
      patch: [4, 8, 8],
      batch: 1,
      precision: 'fp32',
      timing: { iterations: 4, warmupIterations: 1, clock: 'performance.now', isolation: 'none', seed: 1 },
      harnessOverhead: { method: 'empty timed region', samplesMs: [0.01], medianMs: 0.01 },
    },
    rows: [
      {
        id: 'baseline-cudnn',
        paperRow: 1,
        model: 'baseline',
        channels: [2, 3],
        strided: false,
        paperImplementation: 'pytorch-cudnn',
        backend: 'onnxruntime',
        backendDevice: 'cpu',
        status: 'ok',
        warmupIterations: 1,
        samplesMs: samples,
        ...rowMetrics(samples, 1e6),
        iterationMacs: 1e6,
        perLayer: [perLayerTiming('conv0', 'forward', [1, 2, 3], 1e5)],
        peakHostRssBytes: 1e8,
        peakDeviceBytes: null,
      },
      {
        id: 'scaled-tvm',
        paperRow: 4,
        model: 'scaled',
        channels: [2, 3],
        strided: true,
        paperImplementation: 'tvm',
        backend: 'tvm',
        backendDevice: 'cuda',
        status: 'not-run',
        reason: 'no GPU',
        warmupIterations: 0,
        samplesMs: [],
        medianMs: null,
        spread: null,
        iterationMacs: 2e6,
        gflopPerSecond: null,
        perLayer: [],
        peakHostRssBytes: null,
        peakDeviceBytes: null,
      },
    ],
  };
}

async function tempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'unet3d-results-'));
}

async function oneLineOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(DataFileError);
    const line = (err as DataFileError).toOneLine();
    expect(line).not.toContain('\n');
    return line;
  }
  throw new Error('expected a DataFileError');
}

describe('samples and throughput', () => {
  it('summarizes with interpolated quantiles and MAD', () => {
    const s = summarizeSamples([4, 1, 3, 2]);
    expect(s.medianMs).toBe(2.5);
    expect(s.spread).toEqual({ min: 1, p25: 1.75, p75: 3.25, max: 4, iqr: 1.5, mad: 1 });
  });
  it('gives GFLOP/s in both conventions', () => {
    // 300 GMAC in 0.75 s = 400 GFLOP/s with a MAC as one op, 800 with a MAC as two FLOP.
    const t = throughputFromMacs(300e9, 750);
    expect(t.macAsOneOp).toBeCloseTo(400, 9);
    expect(t.macAsTwoFlop).toBeCloseTo(2 * t.macAsOneOp, 9);
    expect(() => throughputFromMacs(1, 0)).toThrow(/positive/);
  });
});

describe('deviceSlug', () => {
  it('slugs GPUs and CPUs', () => {
    expect(deviceSlug({ kind: 'cuda', name: 'NVIDIA H100 80GB HBM3' })).toBe('nvidia-h100-80gb-hbm3');
    expect(deviceSlug({ kind: 'cpu', name: 'Intel(R) Xeon(R) CPU @ 2.20GHz', cores: 2 })).toBe(
      'cpu-intel-xeon-2c',
    );
    expect(deviceSlug({ kind: 'cpu', name: 'AMD EPYC 7B13 64-Core Processor', cores: 16 })).toBe(
      'cpu-amd-epyc-7b13-16c',
    );
    expect(deviceSlug({ kind: 'cuda', name: '???' })).toBe('unknown');
    expect(deviceSlug({ kind: 'cuda', name: 'x'.repeat(100) })).toHaveLength(64);
  });
});

describe('write and load', () => {
  it('round-trips and never overwrites', async () => {
    const dir = await tempDir();
    const path = resultsPathFor(dir, tinyRun());
    expect(path).toBe(join(dir, 'cpu-test-2c', '2025-03-01T10-00-00.000Z.json'));
    const written = await writeResultsAtomic(path, tinyRun());
    expect(written.provenance.notes).toEqual([]);
    expect(await loadResults(path)).toEqual(written);
    expect(await oneLineOf(writeResultsAtomic(path, tinyRun()))).toMatch(/refusing to overwrite/);
    expect((await readdir(join(dir, 'cpu-test-2c'))).filter((n) => n.endsWith('.tmp'))).toEqual([]);
    const second = await writeRunToResultsDir(dir, tinyRun());
    expect(second).toMatch(/000Z-1\.json$/);
    expect(await newestResultsPerDevice(dir)).toEqual([second]);
    expect(await newestResultsPerDevice(join(dir, 'nope'))).toEqual([]);
  });

  it('refuses to write an invalid run', async () => {
    const run = tinyRun();
    run.rows[0]!.medianMs = null;
    const line = await oneLineOf(writeResultsAtomic(join(await tempDir(), 'x.json'), run));
    expect(line).toMatch(/rows\[0\]\.medianMs: must be set when status is 'ok'/);
  });

  it('refuses to write a run the loader would refuse as not self-consistent', async () => {
    const run = tinyRun();
    run.rows[0]!.samplesMs = [10, 12, 11]; // 3 samples, provenance.timing.iterations is 4
    const path = join(await tempDir(), 'x.json');
    expect(await oneLineOf(writeResultsAtomic(path, run))).toMatch(
      /not self-consistent .*rows\[0\] \(baseline-cudnn\)\.samplesMs has 3 samples but provenance\.timing\.iterations is 4/,
    );
    expect(await oneLineOf(rewriteResultsAtomic(path, run))).toMatch(/not self-consistent/);
    expect(await readdir(dirname(path))).toEqual([]);
  });

  it('rewrites the file of a run in progress in place, whole, leaving no temp file', async () => {
    const dir = await tempDir();
    const run = tinyRun();
    const path = await writeRunToResultsDir(dir, run);
    const row = run.rows[1]!;
    run.rows[1] = { ...row, status: 'not-run', reason: 'interrupted' };
    const rewritten = await rewriteResultsAtomic(path, run);
    expect(rewritten.rows[1]?.reason).toBe('interrupted');
    expect((await loadResults(path)).rows[1]?.reason).toBe('interrupted');
    expect(await readdir(dirname(path))).toEqual([basename(path)]);
    // an invalid rewrite leaves the previous version as it was
    run.rows[0]!.medianMs = null;
    expect(await oneLineOf(rewriteResultsAtomic(path, run))).toMatch(/rows\[0\]\.medianMs/);
    expect(await loadResults(path)).toEqual(rewritten);
  });

  it('gives one clear line per bad input', async () => {
    const dir = await tempDir();
    expect(await oneLineOf(loadResults(join(dir, 'missing.json')))).toMatch(/results file not found/);

    const good = JSON.stringify(tinyRun());
    await writeFile(join(dir, 'trunc.json'), good.slice(0, good.length / 2));
    expect(await oneLineOf(loadResults(join(dir, 'trunc.json')))).toMatch(/not valid JSON.*truncated/);

    await writeFile(join(dir, 'empty.json'), '');
    expect(await oneLineOf(loadResults(join(dir, 'empty.json')))).toMatch(/is empty/);

    await writeFile(join(dir, 'v2.json'), JSON.stringify({ ...tinyRun(), schemaVersion: 2 }));
    expect(await oneLineOf(loadResults(join(dir, 'v2.json')))).toMatch(
      /schemaVersion 2; this build reads schemaVersion 1/,
    );

    await writeFile(join(dir, 'none.json'), JSON.stringify({ rows: [] }));
    expect(await oneLineOf(loadResults(join(dir, 'none.json')))).toMatch(/no schemaVersion/);

    const bad = tinyRun() as unknown as { rows: { status: string; samplesMs: unknown }[] };
    bad.rows[0]!.status = 'great';
    bad.rows[0]!.samplesMs = 'fast';
    await writeFile(join(dir, 'bad.json'), JSON.stringify(bad));
    const line = await oneLineOf(loadResults(join(dir, 'bad.json')));
    expect(line).toMatch(/does not match results schema v1/);
    expect(line).toMatch(/rows\[0\]\.status/);
    expect(line).toMatch(/rows\[0\]\.samplesMs/);
  });

  it('requires a reason for rows that did not run, and unique ids', async () => {
    const run = tinyRun();
    delete run.rows[1]!.reason;
    run.rows.push({ ...run.rows[0]! });
    const dir = await tempDir();
    await writeFile(join(dir, 'r.json'), JSON.stringify(run));
    const line = await oneLineOf(loadResults(join(dir, 'r.json')));
    expect(line).toMatch(/rows\[1\]\.reason: is required when status is 'not-run'/);
    expect(line).toMatch(/duplicate row id 'baseline-cudnn'/);
    expect(JSON.parse(await readFile(join(dir, 'r.json'), 'utf8')).rows).toHaveLength(3);
  });
});
