import { ConfigError } from '@unet3d/core';
import { describe, expect, it } from 'vitest';
import { flopsAnalytic } from '../analytic-flops.js';
import { sampleRun } from '../testing/sample-run.js';
import { compareRuns, DEFAULT_GATE_OPTIONS, type GateOptions } from './compare.js';
import { renderGateMarkdown } from './markdown.js';

const analytic = flopsAnalytic();
const options: GateOptions = { ...DEFAULT_GATE_OPTIONS, resamples: 400 };
const patch = [16, 32, 32] as const;
const src = (path: string) => ({ path, device: 'test', commit: null, date: 'today' });

describe('compareRuns', () => {
  it('passes a run compared with itself', () => {
    const run = sampleRun({ analytic, patch, seed: 1 });
    const result = compareRuns(run, run, options);
    expect(result.failed).toBe(false);
    expect(result.comparisons.filter((c) => c.scope === 'row')).toHaveLength(4);
    expect(result.comparisons.every((c) => c.verdict === 'unchanged')).toBe(true);
  });

  it('passes two runs drawn from the same distribution', () => {
    const a = sampleRun({ analytic, patch, seed: 11 });
    const b = sampleRun({ analytic, patch, seed: 12 });
    const result = compareRuns(a, b, options);
    expect(result.failures).toEqual([]);
    expect(result.comparisons.some((c) => c.verdict === 'slower' || c.verdict === 'faster')).toBe(false);
  });

  it('fails when one layer is 20% slower and names that layer', () => {
    const a = sampleRun({ analytic, patch, seed: 21 });
    const slow = { row: 3, layer: 'enc2.conv2', pass: 'backwardFilter' as const, factor: 1.2 };
    const b = sampleRun({ analytic, patch, seed: 22, slow });
    const result = compareRuns(a, b, options);
    expect(result.failed).toBe(true);
    expect(result.failures.map((c) => [c.rowId, c.layer, c.pass])).toEqual([
      ['scaled-cudnn', 'enc2.conv2', 'backwardFilter'],
    ]);
    expect(result.failures[0]!.ratio).toBeGreaterThan(1.1);
    const md = renderGateMarkdown(result, src('a.json'), src('b.json'));
    expect(md).toMatch(/❌ Benchmark gate: 1 regression beyond 5\.0%/);
    expect(md).toMatch(/`scaled-cudnn` \/ `enc2\.conv2` backwardFilter/);
  });

  it('fails a row that ran in the baseline but not now; rejects different workloads', () => {
    const a = sampleRun({ analytic, patch, seed: 1 });
    const b = sampleRun({ analytic, patch, seed: 2, notRun: { 4: 'no GPU' } });
    const result = compareRuns(a, b, options);
    expect(result.failures.map((c) => [c.rowId, c.verdict])).toEqual([['scaled-tvm', 'broken']]);
    expect(compareRuns(b, a, options).failed).toBe(false);
    const other = sampleRun({ analytic, patch: [16, 64, 64], seed: 1 });
    expect(() => compareRuns(a, other, options)).toThrow(ConfigError);
    expect(() => compareRuns(a, other, options)).toThrow(/patch 16×32×32 vs 16×64×64/);
  });

  it('writes a passing summary', () => {
    const run = sampleRun({ analytic, patch, seed: 1 });
    const md = renderGateMarkdown(compareRuns(run, run, options), src('a.json'), src('b.json'));
    expect(md).toMatch(/^## ✅ Benchmark gate: no significant slowdown beyond 5\.0%/);
    expect(md).toMatch(/Holm-adjusted/);
    expect(md).toContain('<details>');
  });
});
