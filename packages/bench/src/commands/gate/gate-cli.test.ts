import { execFile, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { seededRng } from '@unet3d/core';
import { type BenchRun, loadResults, perLayerTiming, rowMetrics } from '@unet3d/results';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAlpha, parseFraction } from './parse-gate-options.js';

const repo = fileURLToPath(new URL('../../../../../', import.meta.url));
const committedPath = join(repo, 'results/cpu-amd-epyc-2c/2026-11-22T15-49-42.388Z.json');
const cli = ['--conditions=@unet3d/source', '--import', 'tsx', 'packages/bench/src/bin.ts'];

interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

function unet3d(args: string[]): Promise<Ran> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [...cli, ...args],
      { cwd: repo, maxBuffer: 1 << 26 },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** The committed run with row and per-layer samples rewritten and every derived figure recomputed. */
function withSamples(
  run: BenchRun,
  row: (id: string, s: number[]) => number[],
  layer = (s: number[]) => s,
): BenchRun {
  const rows = run.rows.map((r) => {
    const samplesMs = row(r.id, r.samplesMs);
    return {
      ...r,
      samplesMs,
      ...rowMetrics(samplesMs, r.iterationMacs),
      perLayer: r.perLayer.map((e) => perLayerTiming(e.layer, e.pass, layer(e.samplesMs), e.macs, e.bytes)),
    };
  });
  const timing = { ...run.provenance.timing, iterations: rows[0]!.samplesMs.length };
  return { ...run, provenance: { ...run.provenance, timing }, rows };
}

/** 10 log-normal samples (σ = 0.04) around each row's committed median, times `slow[row]`. */
function drawn(run: BenchRun, seed: number, slow: Record<string, number> = {}): BenchRun {
  const rng = seededRng(seed);
  const medians = new Map(run.rows.map((r) => [r.id, r.medianMs!]));
  return withSamples(run, (id) =>
    Array.from(
      { length: 10 },
      () => (medians.get(id) ?? 1) * (slow[id] ?? 1) * Math.exp(0.04 * rng.normal()),
    ),
  );
}

let dir: string;
let committed: BenchRun;
const file = async (name: string, value: unknown) => {
  const p = join(dir, name);
  await writeFile(p, typeof value === 'string' ? value : JSON.stringify(value));
  return p;
};

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'unet3d-gate-cli-'));
  committed = await loadResults(committedPath);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('unet3d gate (spawned CLI)', () => {
  it('exit 3 on the issue input: every sample ×2 with 5 per row is inconclusive, need ≥ 6 per row', async () => {
    const slow = await file(
      'slow.json',
      withSamples(
        committed,
        (_id, s) => s.map((v) => 2 * v),
        (s) => s.map((v) => 2 * v),
      ),
    );
    const r = await unet3d(['gate', '--baseline', committedPath, '--current', slow]);
    expect(r.code).toBe(3);
    expect(r.stdout.split('\n')[0]).toBe(
      '## ⚠️ Benchmark gate: inconclusive: too few samples — need ≥ 6 per row',
    );
    expect(r.stdout).toContain('npx unet3d bench --input 64,128,128 --math fp32 --iterations 6');
    expect(r.stdout).not.toMatch(/no significant slowdown/);
    expect(r.stderr).toBe('');
  });

  it('exit 0 for two draws of one distribution, exit 1 naming a row 30% slower; --json and --details', async () => {
    const a = await file('a.json', drawn(committed, 1));
    const b = await file('b.json', drawn(committed, 2));
    const c = await file('c.json', drawn(committed, 2, { 'strided-cudnn': 1.3 }));
    const pass = await unet3d(['gate', '--baseline', a, '--current', b]);
    expect(pass.code).toBe(0);
    expect(pass.stdout.split('\n')[0]).toBe('## ✅ Benchmark gate: no significant slowdown beyond 5.0%');
    const details = join(dir, 'details.md');
    const fail = await unet3d(['gate', '--baseline', a, '--current', c, '--json', '--details', details]);
    expect(fail.code).toBe(1);
    const json = JSON.parse(fail.stdout);
    expect(json.outcome).toBe('regression');
    expect(json.exitCode).toBe(1);
    expect(json.complete).toBe(true);
    expect(json.failures.map((f: { rowId: string; layer: string | null }) => [f.rowId, f.layer])).toEqual([
      ['strided-cudnn', null],
    ]);
    const table = await readFile(details, 'utf8');
    expect(table).toContain('`strided-cudnn` / `embed.elu` other');
  });

  it('compares the other rows when one ran another backend, and lists it as not comparable', async () => {
    const a = await file('a2.json', drawn(committed, 1));
    const other = drawn(committed, 2);
    const b = await file('b2.json', {
      ...other,
      rows: other.rows.map((r) => (r.id === 'scaled-cudnn' ? { ...r, backend: 'tvm' } : r)),
    });
    const [r, json] = await Promise.all([
      unet3d(['gate', '--baseline', a, '--current', b]),
      unet3d(['gate', '--baseline', a, '--current', b, '--json']),
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[0]).toBe(
      '## ✅ Benchmark gate: no significant slowdown beyond 5.0% (1 row not comparable)',
    );
    expect(r.stdout).toContain('- **Compared:** 3 rows');
    expect(r.stdout).toContain(
      '- **Not comparable (left out):** row `scaled-cudnn` — backend onnxruntime on cpu in the baseline, tvm on cpu now.',
    );
    // A pass that left a row out is no clean baseline: the workflow promotes only complete passes.
    expect(JSON.parse(json.stdout).complete).toBe(false);
  });

  it('exit 2 with one line for unreadable input (both files named in it) and for bad usage', async () => {
    const corrupt = await file('corrupt.json', (await readFile(committedPath, 'utf8')).slice(0, 100));
    const edited = JSON.parse(await readFile(committedPath, 'utf8'));
    edited.rows[1].medianMs = 1;
    const inconsistent = await file('inconsistent.json', edited);
    const missing = join(dir, 'missing.json');
    const [r, bad, usage, alpha, unknown] = await Promise.all([
      unet3d(['gate', '--baseline', missing, '--current', corrupt]),
      unet3d(['gate', '--baseline', committedPath, '--current', inconsistent]),
      unet3d(['gate', '--current', committedPath, '--alpha', '0.01']),
      unet3d(['gate', '--baseline', committedPath, '--current', committedPath, '--alpha', '2']),
      unet3d(['gate', '--baseline', committedPath, '--current', committedPath, '--iterations', '9']),
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr.endsWith('\n')).toBe(true);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(
      /^unet3d: error: --baseline: results file not found: .*missing\.json .*; --current: .*corrupt\.json .*not valid JSON/,
    );
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(
      /inconsistent\.json is not self-consistent: rows\[1\] \(strided-cudnn\)\.medianMs is 1/,
    );
    expect(usage.code).toBe(2);
    expect(usage.stderr).toBe(
      'unet3d: error: --baseline <file> is required (e.g. unet3d gate --baseline results/<device>/<old>.json --current results/<device>/<new>.json)\n',
    );
    expect(alpha.code).toBe(2);
    expect(alpha.stderr).toMatch(/^unet3d: error: --alpha must be a number in \(0, 0\.5\), got '2'/);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown argument for gate: --iterations 9/);
  });

  it('stops quietly when stdout is a closed pipe (gate … | head -1)', async () => {
    const child = spawn(
      process.execPath,
      [...cli, 'gate', '--baseline', committedPath, '--current', committedPath, '--json'],
      {
        cwd: repo,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stderr = '';
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    // The reader goes away before the gate writes anything: its first write meets EPIPE.
    child.stdout.destroy();
    const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
    expect(stderr).toBe('');
    expect(code).toBe(3);
  });

  it('parses thresholds', () => {
    expect(parseFraction('5%', '--max-slowdown')).toBeCloseTo(0.05, 12);
    expect(parseFraction('0.1', '--max-slowdown')).toBeCloseTo(0.1, 12);
    expect(() => parseFraction('abc', '--max-slowdown')).toThrow(/--max-slowdown must be/);
    expect(() => parseFraction('150%', '--max-slowdown')).toThrow();
    expect(parseAlpha('0.01')).toBe(0.01);
    expect(() => parseAlpha('2')).toThrow(/--alpha/);
  });
});
