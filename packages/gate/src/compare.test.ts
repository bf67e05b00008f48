import { seededRng } from '@unet3d/core';
import { type BenchRun, loadResults } from '@unet3d/results';
import { beforeAll, describe, expect, it } from 'vitest';
import { COMMITTED_RUN, logNormal, withSamples } from '../test-support/runs.js';
import { compareRuns, DEFAULT_GATE_OPTIONS, type GateOptions } from './compare.js';
import {
  type GateSource,
  gateHeadline,
  PR_COMMENT_LIMIT,
  renderGateDetails,
  renderGateMarkdown,
} from './markdown.js';

const options: GateOptions = { ...DEFAULT_GATE_OPTIONS, resamples: 400 };

function source(path: string, run: BenchRun): GateSource {
  const p = run.provenance;
  return {
    path,
    device: p.device.name,
    commit: p.gitCommit,
    date: p.date,
    patch: p.patch,
    batch: p.batch,
    precision: p.precision,
  };
}

/** 10 log-normal samples per row around its committed median (σ = 0.04), per-layer entries kept. */
function drawn(run: BenchRun, seed: number, slow: Record<string, number> = {}): BenchRun {
  const rng = seededRng(seed);
  return withSamples(run, (row) => logNormal(rng, 10, row.medianMs! * (slow[row.id] ?? 1), 0.04));
}

let committed: BenchRun;
beforeAll(async () => {
  committed = await loadResults(COMMITTED_RUN);
});

describe('compareRuns on the issue input (5 samples per row)', () => {
  it('is inconclusive, not a pass, when every sample is doubled: need ≥ 6 per row', () => {
    const slow = withSamples(
      committed,
      (row) => row.samplesMs.map((v) => 2 * v),
      (_row, s) => s.map((v) => 2 * v),
    );
    const result = compareRuns(committed, slow, options);
    expect(result.outcome).toBe('inconclusive');
    expect(result.samplesNeededPerRow).toBe(6);
    const rows = result.comparisons.filter((c) => c.scope === 'row');
    expect(rows).toHaveLength(4);
    for (const r of rows) {
      expect(r.verdict).toBe('inconclusive');
      expect(r.ratio).toBeCloseTo(2, 12);
      expect(r.pSlower).toBeCloseTo(1 / 252, 12);
      // Holm over the 4 rows only: the 749 per-layer entries are a separate family.
      expect(r.minAttainablePAdjusted).toBeCloseTo(4 / 252, 12);
    }
    expect(gateHeadline(result)).toBe(
      '## ⚠️ Benchmark gate: inconclusive: too few samples — need ≥ 6 per row',
    );
    const md = renderGateMarkdown(result, source('a.json', committed), source('b.json', slow));
    expect(md).toContain('npx unet3d bench --input 64,128,128 --math fp32 --iterations 6');
  });

  it('is inconclusive for a run compared with itself too (5 samples cannot show anything)', () => {
    expect(compareRuns(committed, committed, options).outcome).toBe('inconclusive');
  });
});

describe('compareRuns with 10 samples per row', () => {
  it('passes two draws of the same distribution', () => {
    const result = compareRuns(drawn(committed, 1), drawn(committed, 2), options);
    expect(result.outcome).toBe('pass');
    expect(result.comparisons.filter((c) => c.scope === 'row').map((c) => c.verdict)).toEqual([
      'unchanged',
      'unchanged',
      'unchanged',
      'unchanged',
    ]);
  });

  it('fails a row 30% slower and adjusts its p within the 4 rows only', () => {
    const result = compareRuns(drawn(committed, 1), drawn(committed, 2, { 'scaled-tvm': 1.3 }), options);
    expect(result.outcome).toBe('regression');
    expect(result.failures.map((c) => [c.rowId, c.layer, c.verdict])).toEqual([
      ['scaled-tvm', null, 'slower'],
    ]);
    const row = result.failures[0]!;
    // Completely separated 10 vs 10: p = 1/C(20,10) = 1/184756; smallest of the family → × 4.
    expect(row.pSlower).toBeCloseTo(1 / 184756, 15);
    expect(row.pSlowerAdjusted).toBeCloseTo(4 / 184756, 15);
    expect(renderGateMarkdown(result, source('a', committed), source('b', committed))).toMatch(
      /^## ❌ Benchmark gate: 1 regression beyond 5\.0%/,
    );
  });

  it('applies the absolute floor to per-layer entries: 0.000 → 0.003 ms passes, 0.000 → 0.050 ms fails', () => {
    const base = drawn(committed, 1);
    const zero = withSamples(
      base,
      (row) => row.samplesMs,
      (_r, _s, i) => (i === 0 ? Array(10).fill(0) : []),
    );
    const tiny = withSamples(
      drawn(committed, 2),
      (row) => row.samplesMs,
      (_r, _s, i) => (i === 0 ? Array(10).fill(0.003) : []),
    );
    const small = compareRuns(zero, tiny, options);
    const entry = small.comparisons.find(
      (c) => c.scope === 'layer' && c.rowId === 'baseline-cudnn' && c.layer === 'embed',
    )!;
    expect(entry.pSlower).toBeCloseTo(1 / 184756, 15);
    expect(entry.verdict).toBe('unchanged');
    expect(small.outcome).toBe('pass');
    const bigger = withSamples(
      drawn(committed, 2),
      (row) => row.samplesMs,
      (_r, _s, i) => (i === 0 ? Array(10).fill(0.05) : []),
    );
    const big = compareRuns(zero, bigger, options);
    expect(big.outcome).toBe('regression');
    expect(big.failures.map((c) => c.layer)).toEqual(['embed', 'embed', 'embed', 'embed']);
  });

  it('fails a row that ran in the baseline but not now', () => {
    const a = drawn(committed, 1);
    const b = drawn(committed, 2);
    const broken = {
      ...b,
      rows: b.rows.map((r) =>
        r.id === 'scaled-tvm' ? { ...r, status: 'failed' as const, reason: 'killed' } : r,
      ),
    };
    const result = compareRuns(a, broken, options);
    expect(result.outcome).toBe('regression');
    expect(result.failures.map((c) => [c.rowId, c.verdict])).toEqual([['scaled-tvm', 'broken']]);
  });
});

describe('compareRuns refuses runs that are not comparable', () => {
  it('names a different patch, math mode and device (the vendor its name shows)', () => {
    const a = drawn(committed, 1);
    const b = drawn(committed, 2);
    const p = b.provenance;
    const other = {
      ...b,
      provenance: {
        ...p,
        precision: 'bf16' as const,
        patch: [16, 64, 64] as [number, number, number],
        device: { ...p.device, name: 'Intel Xeon' },
      },
    };
    const result = compareRuns(a, other, options);
    expect(result.outcome).toBe('not-comparable');
    expect(result.comparisons).toEqual([]);
    expect(result.incomparable).toEqual([
      'patch 64,128,128 in the baseline, 16,64,64 now',
      'math mode fp32 in the baseline, bf16 now',
      'vendor amd in the baseline, intel now',
    ]);
    expect(result.workload).toHaveLength(2);
    // Across devices the workload still differs: refused all the same.
    expect(compareRuns(a, other, { ...options, crossDevice: true }).incomparable).toEqual(result.workload);
  });
});

describe('renderGateMarkdown', () => {
  it('fits a pull-request comment and leaves the per-layer table to the details file', () => {
    const a = drawn(committed, 1);
    const b = drawn(committed, 2);
    const result = compareRuns(a, b, options);
    const md = renderGateMarkdown(result, source('a', a), source('b', b), 'gate-details.md');
    expect(md.length).toBeLessThanOrEqual(PR_COMMENT_LIMIT);
    expect(md).toContain('The full per-layer table is in `gate-details.md`.');
    expect(md).not.toContain('`embed.elu`');
    const details = renderGateDetails(result);
    // Header, separator, 4 rows, and every per-layer entry (191 + 186 × 3).
    expect(details.trimEnd().split('\n').length).toBe(2 + 2 + 4 + 191 + 3 * 186);
    expect(details).toContain('`embed.elu`');
  });
});
