import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { loadResults, noisyReasons } from '@unet3d/results';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { measuredProcessEnv } from './fixed-threads.js';

const run = promisify(execFile);
const repo = fileURLToPath(new URL('../../../../../', import.meta.url));
const cli = ['--conditions=@unet3d/source', '--import', 'tsx', 'packages/bench/src/bin.ts'];

async function unet3d(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await run(process.execPath, [...cli, ...args], {
      cwd: repo,
      maxBuffer: 1 << 24,
      env: { ...process.env, ...env },
    });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('unet3d bench (child process per row)', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'unet3d-bench-test-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('records a crashed row as failed, completes the others, and writes a valid results file', async () => {
    const r = await unet3d([
      'bench',
      '--rows',
      'strided-cudnn,scaled-cudnn',
      '--input',
      '16,64,64',
      '--iterations',
      '2',
      '--warmup',
      '1',
      '--profile-iterations',
      '1',
      '--results',
      dir,
      '--no-report',
      '--inject-crash',
      'strided-cudnn',
    ]);
    expect(r.code).toBe(1);
    const [slug] = await readdir(dir);
    const files = (await readdir(join(dir, slug!))).filter((f) => f.endsWith('.json'));
    expect(files).toHaveLength(1);
    const results = await loadResults(join(dir, slug!, files[0]!));
    const [crashed, ok] = results.rows;
    expect(crashed?.status).toBe('failed');
    expect(crashed?.reason).toMatch(/SIGKILL/);
    expect(ok?.status).toBe('ok');
    expect(ok?.samplesMs).toHaveLength(2);
    expect(ok?.perLayer.some((l) => l.pass === 'backwardFilter' && l.macs > 0)).toBe(true);
    expect(results.provenance.harnessOverhead.samplesMs.length).toBeGreaterThan(0);
    // The row's child ran with the load guard off and the fixed thread count (its device's describe()).
    expect(ok?.backendDetails).toMatchObject({
      deviceLoadGuard: 'off',
      deviceThreads: Number(measuredProcessEnv().OMP_NUM_THREADS),
    });
    expect(String(ok?.backendDetails['deviceOps'])).toContain('load guard off');
    if (process.platform === 'linux') {
      // Quietness of the measured and the failed row and of the roofs; whether noisy depends on this machine.
      for (const q of [ok?.quietness, crashed?.quietness, results.provenance.device.measured?.quietness]) {
        expect(q?.during.intervalS).toBeGreaterThan(0);
        expect(q?.noisy).toBe(q!.during.otherCpuShare + q!.during.stealShare > q!.thresholdShare);
      }
    }
    // One warning line at the end per noisy row (and for noisy roofs), none for quiet ones.
    const warnings = r.stderr.split('\n').filter((l) => l.includes('warning: measured on a busy machine'));
    expect(warnings).toEqual(
      noisyReasons(results).map((w) => `unet3d bench: warning: measured on a busy machine — ${w}`),
    );
    // nothing else (no temp files) is left in the results folder
    expect((await readdir(join(dir, slug!))).filter((f) => f.includes('.tmp'))).toEqual([]);
    expect(JSON.parse(await readFile(join(dir, slug!, files[0]!), 'utf8')).schemaVersion).toBe(1);
  });

  it('rejects an unknown backend and an unknown row with one line each', async () => {
    for (const args of [
      ['bench', '--backends', 'nope', '--results', dir],
      ['bench', '--rows', 'row-9', '--results', dir],
      ['bench', '--input', '8,32,32', '--results', dir],
    ]) {
      const r = await unet3d(args);
      expect(r.code).toBe(1);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(/unet3d: error: (unknown (backend|row)|patch 8,32,32 .*patch size)/);
    }
  });

  it('refuses, before any child starts, patches the old check passed but every row child rejected', async () => {
    // Divisible by the pooling (the old check), but the deepest batch norm sees one value per channel.
    for (const [rows, input] of [
      ['strided-cudnn', '16,32,32'],
      ['baseline-cudnn', '16,16,16'],
      ['scaled-tvm', '16,32,32'],
    ] as const) {
      const results = join(dir, `geometry-${input}`);
      const r = await unet3d(['bench', '--rows', rows, '--input', input, '--results', results]);
      expect(r.code).toBe(1);
      expect(r.stderr.trim().split('\n')).toHaveLength(1); // no row started: no progress line
      expect(r.stderr).toMatch(
        new RegExp(
          `unet3d: error: patch ${input} \\(batch 1\\) does not fit row '[a-z-]+' .*1 value per channel`,
        ),
      );
      expect(existsSync(results)).toBe(false);
    }
  });

  it('exits 4 when no requested row can run (--backends cudnn with no NVIDIA driver), with a valid file saying why', async () => {
    const results = join(dir, 'no-row');
    const noDriver = join(dir, 'no-driver-root');
    await mkdir(noDriver, { recursive: true });
    const r = await unet3d(
      [
        'bench',
        '--backends',
        'cudnn',
        '--rows',
        'strided-cudnn',
        '--quick',
        '--results',
        results,
        '--no-report',
      ],
      { UNET3D_NVIDIA_PROBE_ROOT: noDriver },
    );
    expect(r.code).toBe(4);
    const [slug] = await readdir(results);
    const [file] = await readdir(join(results, slug!));
    const run = await loadResults(join(results, slug!, file!));
    expect(run.rows.map((x) => x.status)).toEqual(['not-run']);
    expect(run.rows[0]?.reason).toMatch(/cudnn: no NVIDIA driver/);
    expect(r.stderr).toMatch(/no requested row could run here/);
  });

  it('names a typo in a choice (--math) in its error', async () => {
    const r = await unet3d(['bench', '--math', 'fp33', '--results', dir]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /'--math <mode>' argument 'fp33' is invalid\. Allowed choices are fp32, tf32, bf16/,
    );
  });

  it('documents its exit codes in --help', async () => {
    const r = await unet3d(['bench', '--help']);
    expect(r.stdout).toMatch(/^ {2}4 {4}no requested row could run here/m);
    expect(r.stdout).toMatch(/^ {2}130 {2}interrupted by SIGINT/m);
  });
});
