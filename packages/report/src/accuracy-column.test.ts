import { PAPER_TABLE1 } from '@unet3d/paper';
import { type AccuracyResultsInput, AccuracyResultsSchema } from '@unet3d/results';
import { describe, expect, it } from 'vitest';
import { accuracyNotes, withAccuracy } from './accuracy-column.js';
import type { OurValues, Table1Line } from './table1.js';

const file = (
  runs: { model: string; seed: number; accuracy: number; are: number }[],
): AccuracyResultsInput => {
  const sha = 'b'.repeat(64);
  const models = [...new Set(runs.map((r) => r.model))];
  const stat = (xs: number[]) => {
    const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
    const std =
      xs.length > 1 ? Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (xs.length - 1)) : null;
    return { mean, std, min: Math.min(...xs), max: Math.max(...xs), n: xs.length };
  };
  return {
    schemaVersion: 1,
    kind: 'accuracy',
    provenance: {
      date: '2026-11-30T05:00:00.000Z',
      gitCommit: null,
      gitDirty: null,
      command: [],
      device: {
        kind: 'cpu',
        name: 'cpu',
        cores: 2,
        gpuName: null,
        driverVersion: null,
        cudaVersion: null,
        cudnnVersion: null,
        computeCapability: null,
        memoryBytes: null,
        profile: null,
      },
      host: { os: 'linux', arch: 'x64', cpuModel: 'cpu', cores: 2, memoryBytes: 1 },
      runtimes: { node: 'v20' },
      packages: {},
      notes: ['budget note'],
    },
    data: {
      kind: 'synthetic-reduced',
      label: 'synthetic, reduced protocol',
      image: { spec: 'i.tif', format: 'tiff', sha256: sha, shape: [32, 64, 80], dtype: 'uint8' },
      labels: { spec: 'l.tif', format: 'tiff', sha256: sha, shape: [32, 64, 80], dtype: 'uint32' },
      voxelNm: null,
      syntheticSeed: 7,
    },
    protocol: {
      anisotropy: { target: null, mode: null, imageInterpolation: null, voxelNm: null, shape: [32, 64, 80] },
      split: { axis: 'x', fraction: 0.8, trainShape: [32, 64, 64], validationShape: [32, 64, 16] },
      augmentations: [],
      patch: [16, 32, 32],
      batch: 2,
      iterations: 8,
      validateEvery: 8,
      optimizer: 'adam',
      learningRate: 0.001,
      offsets: [[1, 0, 0]],
      accuracy: { channels: [0, 1, 2], threshold: 0.5 },
      segmentation: { method: 'connected-components', threshold: 0.5 },
    },
    runs: runs.map((r) => ({
      rowId: r.model,
      model: r.model,
      seed: r.seed,
      status: 'ok' as const,
      error: null,
      trainSeconds: 1,
      history: [],
      final: {
        accuracy: r.accuracy,
        accuracyAllMaps: null,
        adaptedRandError: r.are,
        randPrecision: 0.5,
        randRecall: 0.5,
        segments: 1,
      },
    })),
    summary: models.map((m) => ({
      rowId: m,
      model: m,
      accuracy: stat(runs.filter((r) => r.model === m).map((r) => r.accuracy)),
      adaptedRandError: stat(runs.filter((r) => r.model === m).map((r) => r.are)),
    })),
  };
};

const table: Table1Line[] = PAPER_TABLE1.map((p) => ({
  id: p.id,
  paperRow: p.paperRow,
  strided: p.strided,
  channels: p.channels,
  implementation: p.implementation,
  paper: null,
  ours: { accuracyPercent: null, accuracySource: null } as unknown as OurValues,
}));

describe("Table 1's Accuracy column from an accuracy results file", () => {
  it('fills every row with its network’s mean ± sd over seeds; row 4 shares row 3’s value', () => {
    const results = AccuracyResultsSchema.parse(
      file([
        { model: 'baseline', seed: 0, accuracy: 0.7, are: 0.8 },
        { model: 'baseline', seed: 1, accuracy: 0.8, are: 0.6 },
        { model: 'strided', seed: 0, accuracy: 0.75, are: 0.5 },
        { model: 'scaled', seed: 0, accuracy: 0.9, are: 0.4 },
        { model: 'scaled', seed: 1, accuracy: 0.8, are: 0.2 },
      ]),
    );
    const lines = withAccuracy(table, results);
    expect(lines.map((l) => l.ours.accuracyPercent)).toEqual(
      [75, 75, 85, 85].map((v) => expect.closeTo(v, 10)),
    );
    // sd of (70, 80) % = √50 = 7.07 %; of ARE (0.8, 0.6): √0.02 = 0.141.
    expect(lines[0]!.ours.accuracySource).toBe(
      '± 7.07 over 2 seeds; synthetic, reduced protocol: 8 iterations of batch 2 × 16×32×32; adapted Rand error 0.700 ± 0.141',
    );
    expect(lines[1]!.ours.accuracySource).toMatch(/^over 1 seed; .*adapted Rand error 0\.500$/);
    expect(lines[3]!.ours.accuracySource).toMatch(
      /adapted Rand error 0\.300 ± 0\.141; row 3's network, so row 3's value$/,
    );
    expect(lines[2]!.ours.accuracySource).not.toMatch(/row 3's network/);
    const notes = accuracyNotes(results, 'acc.json');
    expect(notes[0]).toMatch(
      /^\*\*Accuracy \(ours\)\*\* comes from `acc.json` \(synthetic, reduced protocol;/,
    );
    expect(notes[1]).toBe('- budget note');
  });

  it('leaves rows whose network has no summary as they were', () => {
    const results = AccuracyResultsSchema.parse(
      file([{ model: 'strided', seed: 0, accuracy: 0.5, are: 0.5 }]),
    );
    const lines = withAccuracy(table, results);
    expect(lines.map((l) => l.ours.accuracyPercent)).toEqual([null, 50, null, null]);
  });
});
