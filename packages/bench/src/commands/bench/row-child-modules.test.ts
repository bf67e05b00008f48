import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
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

/** The figure stack and the FFI library a CPU row must never load (pnpm paths: node_modules/.pnpm/…). */
const FORBIDDEN =
  /[\\/]node_modules[\\/](vega|vega-[a-z-]+|@resvg[\\/][^\\/]+|koffi|@koromix[\\/][^\\/]+)[\\/]/;

async function loadedModules(dir: string, args: string[]): Promise<{ modules: string[]; stdout: string }> {
  const record = join(dir, `modules-${args[0]}.txt`);
  await writeFile(record, '');
  const r = await run(
    process.execPath,
    ['--conditions=@unet3d/source', '--import', 'tsx', '--import', hook, bin, ...args],
    { cwd: repo, env: { ...process.env, UNET3D_RECORD_MODULES: record }, maxBuffer: 1 << 24 },
  );
  const modules = (await readFile(record, 'utf8')).split('\n').filter(Boolean);
  return { modules, stdout: r.stdout };
}

describe('what a process loads', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'unet3d-modules-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('a CPU row child (real onnxruntime, 1 iteration) loads neither vega, vega-lite, resvg nor koffi', async () => {
    const job: RowJob = {
      row: TABLE1_ROWS.find((r) => r.id === 'strided-cudnn')!,
      candidates: ['onnxruntime'],
      mathMode: 'fp32',
      patch: [16, 64, 64],
      batch: 1,
      counts: { warmupIterations: 0, iterations: 1, profileIterations: 0 },
      quick: true,
      seed: 0,
    };
    const jobPath = join(dir, 'job.json');
    const outPath = join(dir, 'outcome.json');
    await writeFile(jobPath, JSON.stringify(job));
    const { modules } = await loadedModules(dir, ['bench-row', '--job', jobPath, '--out', outPath]);
    const outcome = JSON.parse(await readFile(outPath, 'utf8')) as RowOutcome;
    expect(outcome.status).toBe('ok');
    expect(outcome.backend).toBe('onnxruntime');
    expect(outcome.backendDevice).toBe('cpu');
    expect(outcome.samplesMs).toHaveLength(1);
    // The recording works: the backend that ran and its native binding are in the list.
    expect(modules.some((m) => m.includes('onnxruntime-node'))).toBe(true);
    expect(modules.some((m) => m.includes('packages/backend-onnxruntime/src/'))).toBe(true);
    expect(modules.filter((m) => FORBIDDEN.test(m))).toEqual([]);
    // Nor any code of the report, the results writer's caller, or the CUDA stack.
    expect(modules.filter((m) => /packages\/(report|cuda|backend-cudnn|backend-tvm)\/src\//.test(m))).toEqual(
      [],
    );
    process.stdout.write(
      `CPU row child peak RSS: ${((outcome.peakHostRssBytes ?? 0) / 2 ** 20).toFixed(1)} MiB (strided, 16×64×64, 1 iteration)\n`,
    );
  });

  it('the same recording sees the figure stack where it is used (`report --help` loads the report command)', async () => {
    const { modules } = await loadedModules(dir, ['report', '--help']);
    expect(modules.some((m) => FORBIDDEN.test(m) && m.includes('vega'))).toBe(true);
  });
});
