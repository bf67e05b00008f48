import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MEASURE_WORKERS } from '../../../packages/backend-tvm/src/targets/worker-path.js';
import { type BundleResult, buildBundle, GPU_BUNDLE_MAX_BYTES } from './bundle.js';
import { repoRoot, bundleSkipReason as skipReason } from './bundle-test-support.js';

const run = promisify(execFile);

describe.skipIf(skipReason !== undefined)(
  `GPU bundle (--gpu): tar.xz without onnxruntime, run from an empty folder${skipReason ? ` (skipped: ${skipReason})` : ''}`,
  () => {
    let work: string;
    let bundle: string;
    let built: BundleResult;
    const env: NodeJS.ProcessEnv = { ...process.env };
    delete env['NODE_OPTIONS'];
    delete env['NODE_PATH'];
    const node = (args: string[]) =>
      run(process.execPath, [join(bundle, 'unet3d.mjs'), ...args], {
        cwd: join(work, 'empty'),
        env,
        timeout: 300_000,
      });

    beforeAll(async () => {
      work = mkdtempSync(join(tmpdir(), 'unet3d-gpu-bundle-test-'));
      built = await buildBundle({ repoRoot, outDir: join(work, 'build', 'unet3d-gpu'), gpu: true });
      // Unpack the archive alone, the way the GPU node gets it; the build folder is gone.
      mkdirSync(join(work, 'node'));
      mkdirSync(join(work, 'empty'));
      await run('tar', ['-xJf', built.archive!.path, '-C', join(work, 'node')]);
      rmSync(join(work, 'build'), { recursive: true, force: true });
      bundle = join(work, 'node', 'unet3d-gpu');
    }, 900_000);
    afterAll(() => {
      if (work) rmSync(work, { recursive: true, force: true });
    });

    it('is an archive of at most 20 MB holding koffi, the fonts and resvg, and no onnxruntime', () => {
      expect(built.archive!.path.endsWith('unet3d-gpu.tar.xz')).toBe(true);
      expect(built.archive!.bytes).toBeLessThanOrEqual(GPU_BUNDLE_MAX_BYTES);
      expect(GPU_BUNDLE_MAX_BYTES).toBe(20e6);
      const all = readdirSync(bundle, { recursive: true }).map((p) => String(p).split(/[\\/]/).join('/'));
      expect(all).toEqual(
        expect.arrayContaining([
          'unet3d.mjs',
          'node_modules/@koromix/koffi-linux-x64/linux_x64/koffi.node',
          'node_modules/dejavu-fonts-ttf/ttf/DejaVuSans.ttf',
          'node_modules/dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf',
          'node_modules/@resvg/resvg-js-linux-x64-gnu/resvgjs.linux-x64-gnu.node',
          'pytorch-peer/train_step.py',
        ]),
      );
      expect(all.filter((p) => /onnxruntime/.test(p))).toEqual([]);
      expect(all.filter((p) => p.endsWith('.ttf'))).toHaveLength(2);
    });

    it('runs `flops --model scaled --json` and `verify --help` with only node, from an empty folder', async () => {
      const { stdout } = await node(['flops', '--model', 'scaled', '--json']);
      const report = JSON.parse(stdout) as { model: string; layers: unknown[] };
      expect(report.model).toBe('scaled');
      expect(report.layers.length).toBeGreaterThan(10);
      const help = await node(['verify', '--help']);
      expect(help.stdout).toMatch(/--device-ops/);
      expect(help.stdout).toMatch(/--iteration/);
      expect(readdirSync(join(work, 'empty'))).toEqual([]);
    }, 600_000);

    it('emits every measure worker of backend-tvm beside unet3d.mjs', () => {
      expect(built.workers.map((w) => w.slice(built.outDir.length + 1)).sort()).toEqual(
        Object.keys(MEASURE_WORKERS)
          .map((w) => `${w}.mjs`)
          .sort(),
      );
      for (const w of Object.keys(MEASURE_WORKERS))
        expect(existsSync(join(bundle, `${w}.mjs`)), w).toBe(true);
    });

    it('tunes the CPU target for 10 s from the bundle: trials measured, none failing to start a worker', async () => {
      const results = join(work, 'tune-results');
      const { stdout } = await node([
        'tune',
        '--target',
        'cpu',
        '--model',
        'strided',
        '--input',
        '16,32,32',
        '--time-limit',
        '10s',
        '--threads',
        '1',
        '--results',
        results,
      ]);
      expect(stdout).toMatch(/trials/);
      const logs = readdirSync(join(results, 'tuning'), { recursive: true })
        .map(String)
        .filter((p) => p.endsWith('strided-fp32.jsonl'));
      expect(logs).toHaveLength(1);
      const records = readFileSync(join(results, 'tuning', logs[0]!), 'utf8')
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as { error: number; errorMsg?: string });
      expect(records.length).toBeGreaterThan(0);
      expect(records.filter((r) => r.error === 0).length).toBeGreaterThan(0);
      expect(records.filter((r) => /Cannot find module|measure worker/.test(r.errorMsg ?? ''))).toEqual([]);
    }, 600_000);

    it('`tune --target cuda` finds @unet3d/cuda in the bundle: it names why there is no GPU, not a missing module', async () => {
      const r = await node(['tune', '--target', 'cuda', '--model', 'strided', '--input', '16,32,32']).then(
        () => ({ code: 0, stderr: '' }),
        (err: { code?: number; stderr?: string }) => ({
          code: err.code ?? -1,
          stderr: String(err.stderr ?? ''),
        }),
      );
      if (r.code === 0) return; // a GPU machine: it tuned
      expect(r.stderr).toMatch(/--target cuda: no usable CUDA GPU here: \S/);
      expect(r.stderr).not.toMatch(/Cannot find (module|package)|cannot be loaded|ERR_MODULE_NOT_FOUND/);
    }, 600_000);

    it('without onnxruntime, `verify --iteration` falls back to the float64 reference on the CPU', async () => {
      const { stdout } = await node(['verify', '--iteration', '--backend', 'reference', '--json']);
      const json = JSON.parse(stdout) as { pass: boolean; reference: string };
      expect(json).toMatchObject({ pass: true, reference: 'reference' });
    }, 600_000);
  },
);
