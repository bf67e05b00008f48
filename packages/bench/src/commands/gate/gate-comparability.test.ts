import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  type BenchRow,
  type BenchRun,
  type DeviceIdentity,
  loadResults,
  perLayerTiming,
  type Quietness,
  rowMetrics,
} from '@unet3d/results';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The committed Zen 4 run from before identities (5 samples per row): its identity is inferred as vendor
// amd, ISA avx512, microarchitecture not recorded. 5 samples over ≤ 4 rows reach significance at α = 0.05
// (4 / C(10,5) = 0.016), not at the default 0.01: the cases that must compare pass --alpha 0.05.
const repo = fileURLToPath(new URL('../../../../../', import.meta.url));
const committedPath = join(repo, 'results/cpu-amd-epyc-2c/2026-11-30T05-34-09.251Z.json');
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
      [...cli, 'gate', ...args],
      { cwd: repo, maxBuffer: 1 << 26 },
      (err, stdout, stderr) => {
        resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr });
      },
    );
  });
}

const ZEN3_AVX2: DeviceIdentity = {
  kind: 'cpu',
  vendor: 'amd',
  microarch: 'zen3',
  family: 25,
  model: 1,
  isa: 'avx2',
  cores: 2,
  modelName: 'AMD EPYC',
};

/** Row quietness as the bench records it when other work held `share` of the 2 CPUs (threshold 15%). */
function quietness(share: number): Quietness {
  const reading = (other: number) => ({
    loadAverage1m: 2 * other,
    otherCpuShare: other,
    stealShare: 0,
    intervalS: 30,
    governor: null,
    clockMHz: null,
  });
  return {
    method: '/proc/stat and /proc/<pid>/stat over the row',
    thresholdShare: 0.15,
    before: reading(0.01),
    during: reading(share),
    noisy: share > 0.15,
    reason:
      share > 0.15 ? `other processes held ${Math.round(share * 100)}% of 2 CPUs (threshold 15%)` : null,
  };
}

/** The row with every sample (and every per-layer sample) times `factor`, derived figures recomputed. */
function scaled(row: BenchRow, factor: number): BenchRow {
  const samplesMs = row.samplesMs.map((v) => v * factor);
  return {
    ...row,
    samplesMs,
    ...rowMetrics(samplesMs, row.iterationMacs),
    perLayer: row.perLayer.map((e) => {
      const s = e.samplesMs.map((v) => v * factor);
      return { ...e, samplesMs: s, medianMs: perLayerTiming(e.layer, e.pass, s, e.macs).medianMs };
    }),
  };
}

let dir: string;
let committed: BenchRun;
const file = async (name: string, run: BenchRun) => {
  const p = join(dir, name);
  await writeFile(p, JSON.stringify(run));
  return p;
};

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'unet3d-gate-comparability-'));
  committed = await loadResults(committedPath);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('unet3d gate: what can be compared (spawned CLI, committed results)', () => {
  it('refuses another device identity in one line (exit 3); --cross-device compares and says so', async () => {
    const p = committed.provenance;
    const zen3 = await file('zen3.json', {
      ...committed,
      provenance: { ...p, device: { ...p.device, identity: ZEN3_AVX2 } },
    });
    const refused = await unet3d(['--baseline', committedPath, '--current', zen3, '--alpha', '0.05']);
    expect(refused.code).toBe(3);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toBe(
      'unet3d gate: not comparable: AVX-512 in the baseline, AVX2 now; microarchitecture not recorded in the baseline, zen3 now (compare runs of the same device, or pass --cross-device to compare them anyway)\n',
    );
    const args = ['--baseline', committedPath, '--current', zen3, '--alpha', '0.05', '--cross-device'];
    const [crossed, json] = await Promise.all([unet3d(args), unet3d([...args, '--json'])]);
    // The same samples on both sides: nothing slower.
    expect(crossed.code).toBe(0);
    const lines = crossed.stdout.split('\n');
    expect(lines[0]).toBe('## ✅ Benchmark gate: no significant slowdown beyond 5.0% (across devices)');
    expect(lines[2]).toBe(
      '> ⚠️ Compared across devices (--cross-device): baseline AMD microarchitecture not recorded (AVX-512, 2 cores), current AMD zen3 (AVX2, 2 cores) — AVX-512 in the baseline, AVX2 now; microarchitecture not recorded in the baseline, zen3 now. A change may come from the device, not the code.',
    );
    expect(crossed.stdout).toContain('- **Compared:** 4 rows');
    const out = JSON.parse(json.stdout);
    expect(out.exitCode).toBe(0);
    expect(out.complete).toBe(false);
    expect(out.crossDevice).toEqual({
      baseline: 'AMD microarchitecture not recorded (AVX-512, 2 cores)',
      current: 'AMD zen3 (AVX2, 2 cores)',
      differences: [
        'AVX-512 in the baseline, AVX2 now',
        'microarchitecture not recorded in the baseline, zen3 now',
      ],
    });
  });

  it('refuses a file with one noisy row in one line (exit 3); --allow-noisy compares and names the row', async () => {
    const noisy = await file('noisy.json', {
      ...committed,
      rows: committed.rows.map((r) => ({
        ...r,
        quietness: quietness(r.id === 'strided-cudnn' ? 0.62 : 0.02),
      })),
    });
    const refused = await unet3d(['--baseline', committedPath, '--current', noisy, '--alpha', '0.05']);
    expect(refused.code).toBe(3);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toBe(
      `unet3d gate: noisy: the current file ${noisy} was measured on a busy machine: row strided-cudnn: other processes held 62% of 2 CPUs (threshold 15%) (re-run it on a quiet machine, or pass --allow-noisy to compare anyway)\n`,
    );
    const allowed = await unet3d([
      '--baseline',
      committedPath,
      '--current',
      noisy,
      '--alpha',
      '0.05',
      '--allow-noisy',
    ]);
    expect(allowed.code).toBe(0);
    expect(allowed.stdout.split('\n')[0]).toBe(
      '## ✅ Benchmark gate: no significant slowdown beyond 5.0% (noisy measurements included)',
    );
    expect(allowed.stdout).toContain(
      '> ⚠️ Noisy measurements compared (--allow-noisy): baseline — none marked noisy; current — row strided-cudnn: other processes held 62% of 2 CPUs (threshold 15%).',
    );
  });

  it('compares rows 1–3 (1.5× slower: exit 1) when row 4 ran onnxruntime instead of tvm-cpu', async () => {
    const current = await file('partial.json', {
      ...committed,
      rows: committed.rows.map((r) =>
        r.id === 'scaled-tvm'
          ? { ...r, backend: 'onnxruntime', backendDetails: { backend: 'onnxruntime' } }
          : scaled(r, 1.5),
      ),
    });
    const args = ['--baseline', committedPath, '--current', current];
    const [md, json, defaultAlpha] = await Promise.all([
      unet3d([...args, '--alpha', '0.05']),
      unet3d([...args, '--alpha', '0.05', '--json']),
      unet3d(args),
    ]);
    expect(md.stderr).toBe('');
    expect(md.code).toBe(1);
    expect(md.stdout.split('\n')[0]).toBe(
      '## ❌ Benchmark gate: 3 regressions beyond 5.0% (1 row not comparable)',
    );
    expect(md.stdout).toContain(
      '- **Not comparable (left out):** row `scaled-tvm` — backend tvm-cpu on cpu in the baseline, onnxruntime on cpu now.',
    );
    const out = JSON.parse(json.stdout);
    expect(out.exitCode).toBe(1);
    expect(out.comparedRows).toBe(3);
    const rows = out.failures.map((f: { rowId: string; ratio: number; pSlowerAdjusted: number }) => [
      f.rowId,
      f.ratio,
      f.pSlowerAdjusted,
    ]);
    // 5 vs 5 completely separated: p = 1/C(10,5) = 1/252, Holm over the 3 rows compared → 3/252.
    expect(rows.map((r: unknown[]) => r[0])).toEqual(['baseline-cudnn', 'strided-cudnn', 'scaled-cudnn']);
    for (const [, ratio, p] of rows) {
      expect(ratio).toBeCloseTo(1.5, 9);
      expect(p).toBeCloseTo(3 / 252, 12);
    }
    expect(out.notComparable).toEqual([
      { rowId: 'scaled-tvm', reason: 'backend tvm-cpu on cpu in the baseline, onnxruntime on cpu now' },
    ]);
    // At the default α = 0.01, 3 rows of 5 samples cannot show anything (3/252 > 0.01): need 6 (3/924).
    expect(defaultAlpha.code).toBe(3);
    expect(defaultAlpha.stdout.split('\n')[0]).toBe(
      '## ⚠️ Benchmark gate: inconclusive: too few samples — need ≥ 6 per row (1 row not comparable)',
    );
  });
});
