import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RowJob, RowOutcome } from './row-job.js';
import { TABLE1_ROWS } from './table1-rows.js';

const run = promisify(execFile);
const repo = fileURLToPath(new URL('../../../../../', import.meta.url));
const hook = fileURLToPath(new URL('../../testing/record-loaded-modules.mjs', import.meta.url));
const bin = 'packages/bench/src/bin.ts';

/** The figure stack (pnpm paths: node_modules/.pnpm/…). */
const FIGURE_STACK = /[\\/]node_modules[\\/](vega|vega-[a-z-]+|@resvg[\\/][^\\/]+)[\\/]/;
/** Our code a measured CPU child must not load: the report, the CUDA stack and the CUDA backends. */
const FORBIDDEN_CODE =
  /packages\/(report|cuda|backend-cudnn|backend-tvm-cuda)\/src\/|packages\/backend-tvm\/src\/(gpu\/|targets\/cuda\/|tvm-conv-backend\.ts)/;
/** The FFI library's own files: allowed only when @unet3d/native required it (the CPU device's C ops). */
const KOFFI =
  /[\\/]node_modules[\\/](?:\.pnpm[\\/][^\\/]+[\\/]node_modules[\\/])?(koffi|@koromix[\\/][^\\/]+)[\\/]/;
const KOFFI_ENTRY =
  /[\\/]node_modules[\\/](?:\.pnpm[\\/][^\\/]+[\\/]node_modules[\\/])?koffi[\\/]index\.c?js$/;
const NATIVE = /packages\/native\/src\//;

/**
 * What a recorded module list shows a CPU row's child must not load: lines naming the figure stack or
 * forbidden code, and koffi when the file that required it is not @unet3d/native's (or is unknown).
 */
function violations(records: readonly string[]): string[] {
  const loaded = records.filter((l) => !l.includes(' <= '));
  const requiredBy = new Map(
    records.filter((l) => l.includes(' <= ')).map((l) => l.split(' <= ') as [string, string]),
  );
  const out = loaded.filter((m) => FIGURE_STACK.test(m) || FORBIDDEN_CODE.test(m));
  if (loaded.some((m) => KOFFI.test(m))) {
    const entry = loaded.find((m) => KOFFI_ENTRY.test(m));
    const parent = entry ? requiredBy.get(entry) : undefined;
    if (!parent || !NATIVE.test(parent)) out.push(`koffi required by ${parent ?? 'an unknown module'}`);
  }
  return [...new Set(out)];
}

async function loadedModules(
  dir: string,
  args: string[],
  env: Record<string, string> = {},
): Promise<{ modules: string[]; stdout: string }> {
  const record = join(dir, `modules-${args[0]}-${Math.random().toString(36).slice(2)}.txt`);
  await writeFile(record, '');
  const childEnv: NodeJS.ProcessEnv = { ...process.env, UNET3D_RECORD_MODULES: record, ...env };
  delete childEnv['UNET3D_CUDA_LIB_DIR']; // would count as a driver for the probe
  const r = await run(
    process.execPath,
    ['--conditions=@unet3d/source', '--import', 'tsx', '--import', hook, bin, ...args],
    { cwd: repo, env: childEnv, maxBuffer: 1 << 24 },
  );
  const modules = (await readFile(record, 'utf8')).split('\n').filter(Boolean);
  return { modules, stdout: r.stdout };
}

function jobFor(candidates: string[]): RowJob {
  return {
    row: TABLE1_ROWS.find((r) => r.id === 'strided-cudnn')!,
    candidates,
    mathMode: 'fp32',
    patch: [16, 64, 64],
    batch: 1,
    counts: { warmupIterations: 0, iterations: 1, profileIterations: 0 },
    quick: true,
    seed: 0,
  };
}

async function runRowChild(
  dir: string,
  name: string,
  job: RowJob,
  env: Record<string, string>,
): Promise<{ outcome: RowOutcome; modules: string[] }> {
  const jobPath = join(dir, `${name}-job.json`);
  const outPath = join(dir, `${name}-outcome.json`);
  await writeFile(jobPath, JSON.stringify(job));
  const { modules } = await loadedModules(dir, ['bench-row', '--job', jobPath, '--out', outPath], env);
  return { outcome: JSON.parse(await readFile(outPath, 'utf8')) as RowOutcome, modules };
}

describe('what a process loads', () => {
  let dir: string;
  let noDriver: string;
  let fakeDriver: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'unet3d-modules-'));
    // The driver probe looks under these folders instead of '/': none, or a fake NVIDIA kernel module.
    noDriver = join(dir, 'no-driver');
    fakeDriver = join(dir, 'fake-driver');
    await mkdir(noDriver);
    await mkdir(join(fakeDriver, 'proc/driver/nvidia'), { recursive: true });
    await writeFile(join(fakeDriver, 'proc/driver/nvidia/version'), 'NVRM version: fixture\n');
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('a CPU row child of `--backends auto` (cudnn, then onnxruntime) with no NVIDIA driver measures on onnxruntime and loads no CUDA, report or figure code, and koffi only through @unet3d/native', async () => {
    const { outcome, modules } = await runRowChild(dir, 'auto', jobFor(['cudnn', 'onnxruntime']), {
      UNET3D_NVIDIA_PROBE_ROOT: noDriver,
    });
    expect(outcome.status).toBe('ok');
    expect(outcome.backend).toBe('onnxruntime');
    expect(outcome.backendDevice).toBe('cpu');
    expect(outcome.samplesMs).toHaveLength(1);
    expect(outcome.resolutionFailures).toHaveLength(1);
    expect(outcome.resolutionFailures[0]?.name).toBe('cudnn');
    expect(outcome.resolutionFailures[0]?.reason).toMatch(/^no NVIDIA driver/);
    // The recording works: the backend that ran and its native binding are in the list.
    expect(modules.some((m) => m.includes('onnxruntime-node'))).toBe(true);
    expect(modules.some((m) => m.includes('packages/backend-onnxruntime/src/'))).toBe(true);
    expect(violations(modules)).toEqual([]);
    process.stdout.write(
      `CPU row child peak RSS: ${((outcome.peakHostRssBytes ?? 0) / 2 ** 20).toFixed(1)} MiB (strided, 16×64×64, 1 iteration)\n`,
    );
  });

  it('the same check fails where a driver is seen: the cudnn candidate then loads @unet3d/cuda (and its koffi)', async () => {
    const { outcome, modules } = await runRowChild(dir, 'driver', jobFor(['cudnn']), {
      UNET3D_NVIDIA_PROBE_ROOT: fakeDriver,
    });
    // Without a real GPU the row is not run, but the CUDA stack was loaded to find that out.
    const bad = violations(modules);
    expect(bad.some((m) => /packages\/cuda\/src\//.test(m))).toBe(true);
    expect(bad.some((m) => /packages\/backend-cudnn\/src\//.test(m))).toBe(true);
    if (outcome.status === 'not-run') expect(outcome.reason).not.toMatch(/no NVIDIA driver/);
  });

  it('koffi required by anything but @unet3d/native is a violation; by native it is not', () => {
    const koffi = '/r/node_modules/.pnpm/koffi@3.3.4/node_modules/koffi/index.cjs';
    expect(violations([koffi, `${koffi} <= /r/packages/native/src/library.ts`])).toEqual([]);
    expect(violations([koffi, `${koffi} <= /r/packages/cuda/src/library/koffi.ts`])).toEqual([
      'koffi required by /r/packages/cuda/src/library/koffi.ts',
    ]);
    expect(violations([koffi])).toEqual(['koffi required by an unknown module']);
  });

  it('the same recording sees the figure stack where it is used (`report --help` loads the report command)', async () => {
    const { modules } = await loadedModules(dir, ['report', '--help']);
    expect(modules.some((m) => FIGURE_STACK.test(m) && m.includes('vega'))).toBe(true);
  });
});
