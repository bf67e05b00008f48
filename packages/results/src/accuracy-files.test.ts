import { mkdtemp, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  accuracyPathFor,
  loadAccuracyResults,
  newestAccuracyResults,
  writeAccuracyResults,
} from './accuracy-files.js';
import { type AccuracyResultsInput, AccuracyResultsSchema } from './accuracy-schema.js';
import { newestResultsPerDevice } from './find.js';

const SHA = 'a'.repeat(64);
const file = (over: Partial<AccuracyResultsInput> = {}): AccuracyResultsInput => ({
  schemaVersion: 1,
  kind: 'accuracy',
  provenance: {
    date: '2026-11-30T05:00:00.000Z',
    gitCommit: 'abcdef1',
    gitDirty: false,
    command: ['unet3d', 'accuracy'],
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
      details: {},
    },
    host: { os: 'linux', arch: 'x64', cpuModel: 'Test CPU', cores: 2, memoryBytes: 1e9 },
    runtimes: { node: 'v20' },
    packages: {},
    notes: [],
  },
  data: {
    kind: 'synthetic-reduced',
    label: 'synthetic, reduced protocol',
    image: { spec: 'v-image.tif', format: 'tiff', sha256: SHA, shape: [16, 32, 40], dtype: 'uint8' },
    labels: { spec: 'v-labels.tif', format: 'tiff', sha256: SHA, shape: [16, 32, 40], dtype: 'uint32' },
    voxelNm: null,
    syntheticSeed: 7,
  },
  protocol: {
    anisotropy: { target: null, mode: null, imageInterpolation: null, voxelNm: null, shape: [16, 32, 40] },
    split: { axis: 'x', fraction: 0.8, trainShape: [16, 32, 32], validationShape: [16, 32, 8] },
    augmentations: ['flip-zyx'],
    patch: [16, 32, 32],
    batch: 2,
    iterations: 10,
    validateEvery: 5,
    optimizer: 'adam',
    learningRate: 0.001,
    offsets: [[1, 0, 0]],
    accuracy: { channels: [0, 1, 2], threshold: 0.5 },
    segmentation: { method: 'connected-components', threshold: 0.5 },
  },
  runs: [
    {
      rowId: 'baseline',
      model: 'baseline',
      seed: 0,
      status: 'ok',
      error: null,
      trainSeconds: 1,
      history: [{ iteration: 10, trainLoss: 0.5, validationLoss: null, accuracy: 0.9 }],
      final: {
        accuracy: 0.9,
        accuracyAllMaps: 0.8,
        adaptedRandError: 0.3,
        randPrecision: 0.7,
        randRecall: 0.7,
        segments: 4,
      },
    },
    {
      rowId: 'baseline',
      model: 'baseline',
      seed: 1,
      status: 'failed',
      error: 'diverged',
      trainSeconds: null,
      history: [],
      final: null,
    },
  ],
  summary: [
    {
      rowId: 'baseline',
      model: 'baseline',
      accuracy: { mean: 0.9, std: null, min: 0.9, max: 0.9, n: 1 },
      adaptedRandError: { mean: 0.3, std: null, min: 0.3, max: 0.3, n: 1 },
    },
  ],
  ...over,
});

function issues(value: AccuracyResultsInput): string[] {
  const r = AccuracyResultsSchema.safeParse(value);
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
}

describe('accuracy results schema', () => {
  it('accepts a well-formed file', () => {
    expect(issues(file())).toEqual([]);
  });

  it('rejects duplicate (row, seed) runs', () => {
    const f = file();
    f.runs = [f.runs[0]!, { ...f.runs[0]! }];
    f.summary[0]!.accuracy.n = 2;
    f.summary[0]!.adaptedRandError.n = 2;
    expect(issues(f)).toEqual(['runs.1: duplicate run baseline#0']);
  });

  it('rejects an ok run without final metrics and a failed run without its error', () => {
    const f = file();
    f.runs[0] = { ...f.runs[0]!, final: null };
    f.runs[1] = { ...f.runs[1]!, error: null };
    expect(issues(f)).toEqual([
      'runs.0.final: an ok run needs final metrics',
      'runs.1.error: a failed run needs its error',
    ]);
  });

  it('rejects a summary without runs, or counting other than its ok runs', () => {
    const f = file();
    f.summary = [
      { ...f.summary[0]!, accuracy: { mean: 0.9, std: 0, min: 0.9, max: 0.9, n: 2 } },
      { ...f.summary[0]!, rowId: 'scaled' },
    ];
    expect(issues(f)).toEqual([
      "summary.0: summary of 'baseline' counts 2 seeds but 1 runs are ok",
      "summary.1.rowId: no runs for 'scaled'",
      "summary.1: summary of 'scaled' counts 1 seeds but 0 runs are ok",
    ]);
  });

  it('rejects accuracies outside [0, 1] and a bad split fraction', () => {
    const f = file();
    f.runs[0]!.final!.accuracy = 92.6;
    f.protocol.split.fraction = 1;
    expect(issues(f).sort()).toEqual([
      'protocol.split.fraction: Too big: expected number to be <1',
      'runs.0.final.accuracy: Too big: expected number to be <=1',
    ]);
  });
});

describe('accuracy results files', () => {
  it('writes results/accuracy/accuracy-<timestamp>.json, never over a file, and finds the newest', async () => {
    const root = await mkdtemp(join(tmpdir(), 'acc-'));
    expect(await newestAccuracyResults(root)).toBeUndefined();
    const a = await writeAccuracyResults(root, file());
    expect(a).toBe(join(root, 'accuracy', 'accuracy-2026-11-30T05-00-00.000Z.json'));
    const b = await writeAccuracyResults(root, file());
    expect(b).toBe(accuracyPathFor(root, new Date('2026-11-30T05:00:00.000Z'), 1));
    const later = file();
    later.provenance.date = '2026-11-30T04:59:59.000Z';
    await writeAccuracyResults(root, later);
    expect(await newestAccuracyResults(root)).toBe(b);
    expect((await loadAccuracyResults(b)).runs[0]!.final!.accuracy).toBe(0.9);
    // The bench results finder does not mistake accuracy files for bench runs.
    expect(await newestResultsPerDevice(root)).toEqual([]);
  });

  it('refuses an invalid file and leaves the folder empty; a truncated file is one line', async () => {
    const root = await mkdtemp(join(tmpdir(), 'acc-'));
    const bad = file();
    bad.runs[0]!.final = null;
    await expect(writeAccuracyResults(root, bad)).rejects.toThrow(/refusing to write an invalid accuracy/);
    await expect(readdir(join(root, 'accuracy'))).rejects.toThrow(/ENOENT/);
    const path = join(root, 'cut.json');
    await writeFile(path, JSON.stringify(file()).slice(0, 200));
    await expect(loadAccuracyResults(path)).rejects.toThrow(/is not JSON/);
  });
});
