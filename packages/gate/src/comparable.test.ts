import { seededRng } from '@unet3d/core';
import { type BenchRun, loadResults } from '@unet3d/results';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  COMMITTED_AVX512_RUN,
  logNormal,
  onDevice,
  withQuietness,
  withSamples,
  ZEN3_AVX2,
} from '../test-support/runs.js';
import { compareRuns, DEFAULT_GATE_OPTIONS, type GateOptions } from './compare.js';
import { type GateSource, gateCaveats, gateHeadline, renderGateMarkdown } from './markdown.js';
import { gateRefusal } from './refusal.js';

const options: GateOptions = { ...DEFAULT_GATE_OPTIONS, resamples: 400 };

const source = (path: string, run: BenchRun): GateSource => ({
  path,
  device: run.provenance.device.name,
  commit: run.provenance.gitCommit,
  date: run.provenance.date,
  patch: run.provenance.patch,
  batch: run.provenance.batch,
  precision: run.provenance.precision,
});

/** 10 log-normal samples per row around its committed median (σ = 0.04), times `slow[row]`. */
function drawn(run: BenchRun, seed: number, slow: Record<string, number> = {}): BenchRun {
  const rng = seededRng(seed);
  return withSamples(run, (row) => logNormal(rng, 10, row.medianMs! * (slow[row.id] ?? 1), 0.04));
}

/** The run with row `id` run on another backend (what a fallback from tvm-cpu to onnxruntime records). */
function onBackend(run: BenchRun, id: string, backend: string): BenchRun {
  return { ...run, rows: run.rows.map((r) => (r.id === id ? { ...r, backend } : r)) };
}

let committed: BenchRun;
beforeAll(async () => {
  committed = await loadResults(COMMITTED_AVX512_RUN);
});

describe('device identity', () => {
  it('refuses an AVX2 Zen 3 against the AVX-512 run of the same name and cores, naming what differs', () => {
    const zen3 = onDevice(committed, ZEN3_AVX2);
    expect(zen3.provenance.device.name).toBe(committed.provenance.device.name);
    expect(zen3.provenance.device.cores).toBe(committed.provenance.device.cores);
    const result = compareRuns(committed, zen3, options);
    expect(result.outcome).toBe('not-comparable');
    expect(result.incomparable).toEqual([
      'AVX-512 in the baseline, AVX2 now',
      'microarchitecture not recorded in the baseline, zen3 now',
    ]);
    expect(result.comparisons).toEqual([]);
    expect(result.samplesNeededPerRow).toBeNull();
    expect(gateRefusal(result, source('a.json', committed), source('b.json', zen3))).toBe(
      'not comparable: AVX-512 in the baseline, AVX2 now; microarchitecture not recorded in the baseline, zen3 now (compare runs of the same device, or pass --cross-device to compare them anyway)',
    );
  });

  it('names the microarchitectures when both runs recorded them (Zen 4 with AVX-512, Zen 3 with AVX2)', () => {
    const zen4 = onDevice(committed, { ...ZEN3_AVX2, microarch: 'zen4', model: 17, isa: 'avx512' });
    const result = compareRuns(zen4, onDevice(committed, ZEN3_AVX2), options);
    expect(result.incomparable).toEqual([
      'AVX-512 in the baseline, AVX2 now',
      'microarchitecture zen4 in the baseline, zen3 now',
    ]);
  });

  it('compares across devices with crossDevice and says so, naming both identities', () => {
    const zen3 = onDevice(committed, ZEN3_AVX2);
    const result = compareRuns(committed, zen3, { ...options, crossDevice: true });
    expect(result.incomparable).toEqual([]);
    expect(result.comparedRows).toBe(4);
    expect(result.complete).toBe(false);
    expect(gateCaveats(result)).toEqual([
      '⚠️ Compared across devices (--cross-device): baseline AMD microarchitecture not recorded (AVX-512, 2 cores), current AMD zen3 (AVX2, 2 cores) — AVX-512 in the baseline, AVX2 now; microarchitecture not recorded in the baseline, zen3 now. A change may come from the device, not the code.',
    ]);
    expect(gateHeadline(result)).toMatch(/ \(across devices\)$/);
  });
});

describe('noisy files', () => {
  it('refuses a current file with one noisy row, naming the file, the row and the fix', () => {
    const noisy = withQuietness(committed, { 'scaled-tvm': 0.98 });
    const result = compareRuns(committed, noisy, options);
    expect(result.outcome).toBe('noisy');
    expect(result.noisy).toEqual({
      baseline: [],
      current: ['row scaled-tvm: other processes held 98% of 2 CPUs (threshold 15%)'],
    });
    expect(gateRefusal(result, source('old.json', committed), source('new.json', noisy))).toBe(
      'noisy: the current file new.json was measured on a busy machine: row scaled-tvm: other processes held 98% of 2 CPUs (threshold 15%) (re-run it on a quiet machine, or pass --allow-noisy to compare anyway)',
    );
  });

  it('a quiet record is not noisy; allowNoisy compares and names the noisy row', () => {
    const quiet = withQuietness(committed, {});
    expect(compareRuns(committed, quiet, options).outcome).toBe('inconclusive');
    const noisy = withQuietness(committed, { 'scaled-tvm': 0.98 });
    const result = compareRuns(noisy, committed, { ...options, allowNoisy: true });
    expect(result.comparedRows).toBe(4);
    expect(gateCaveats(result)).toEqual([
      '⚠️ Noisy measurements compared (--allow-noisy): baseline — row scaled-tvm: other processes held 98% of 2 CPUs (threshold 15%); current — none marked noisy. Their times may include other work.',
    ]);
  });
});

describe('a gate that keeps looking', () => {
  it('compares rows 1–3 (1.5× slower: regressions) when row 4 ran another backend', () => {
    const base = drawn(committed, 1);
    const slow = { 'baseline-cudnn': 1.5, 'strided-cudnn': 1.5, 'scaled-cudnn': 1.5 };
    const current = onBackend(drawn(committed, 2, slow), 'scaled-tvm', 'onnxruntime');
    const result = compareRuns(base, current, options);
    expect(result.outcome).toBe('regression');
    expect(result.failures.filter((c) => c.scope === 'row').map((c) => [c.rowId, c.verdict])).toEqual([
      ['baseline-cudnn', 'slower'],
      ['strided-cudnn', 'slower'],
      ['scaled-cudnn', 'slower'],
    ]);
    // Completely separated 10 vs 10: p = 1/C(20,10); Holm over the 3 rows compared, not 4.
    for (const c of result.failures.filter((f) => f.scope === 'row'))
      expect(c.pSlowerAdjusted).toBeCloseTo(3 / 184756, 15);
    expect(result.notComparable.map((c) => [c.rowId, c.note])).toEqual([
      ['scaled-tvm', 'backend tvm-cpu on cpu in the baseline, onnxruntime on cpu now'],
    ]);
    expect(result.comparedRows).toBe(3);
    expect(result.complete).toBe(false);
    const md = renderGateMarkdown(result, source('a', base), source('b', current));
    expect(md).toContain(
      '- **Not comparable (left out):** row `scaled-tvm` — backend tvm-cpu on cpu in the baseline, onnxruntime on cpu now.',
    );
  });

  it('is not comparable, with no sample count, when no row ran alike', () => {
    let current = drawn(committed, 2);
    for (const r of committed.rows) current = onBackend(current, r.id, 'tvm');
    const result = compareRuns(drawn(committed, 1), current, options);
    expect(result.outcome).toBe('not-comparable');
    expect(result.incomparable).toEqual([]);
    expect(result.notComparable).toHaveLength(4);
    expect(result.samplesNeededPerRow).toBeNull();
    const md = renderGateMarkdown(result, source('a', committed), source('b', current));
    expect(md.split('\n')[0]).toMatch(
      /^## ⚠️ Benchmark gate: not comparable — no row could be compared \(row /,
    );
    expect(md).not.toMatch(/samples per side a row can reach/);
  });

  it('passes when one row has too few samples but the others were tested, and says so', () => {
    const a = drawn(committed, 1);
    const b = drawn(committed, 2);
    const one = { ...b, rows: b.rows.map((r, i) => (i === 0 ? { ...r, samplesMs: [r.samplesMs[0]!] } : r)) };
    const result = compareRuns(a, one, options);
    expect(result.outcome).toBe('pass');
    expect(result.complete).toBe(false);
    expect(result.warnings).toContain(
      'row baseline-cudnn not gated: too few samples (needs ≥ 6 per side to show a slowdown)',
    );
  });
});
