import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { backendFamily } from './backend-family.js';
import { VERIFY_EXIT } from './verify-exit.js';
import { modelConvWorkloads, parseModels } from './workloads.js';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../../../../..');

function cli(args: readonly string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(
    process.execPath,
    ['--conditions=@unet3d/source', '--import', 'tsx', join(repo, 'packages/bench/src/bin.ts'), ...args],
    { cwd: repo, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c));
  child.stderr.on('data', (c: Buffer) => (stderr += c));
  return new Promise((done) => child.on('close', (code) => done({ code, stdout, stderr })));
}

describe('verify', () => {
  it('collects every distinct conv workload of the models', () => {
    const ws = modelConvWorkloads(parseModels('strided'), [16, 32, 32], 1);
    const names = ws.map((w) => w.name);
    expect(names[0]).toBe('strided/embed');
    expect(names.at(-1)).toBe('strided/head.out');
    expect(new Set(ws.map((w) => w.key)).size).toBe(ws.length);
    expect(ws.find((w) => w.workload.spec.transposed)).toBeDefined();
    expect(modelConvWorkloads(parseModels('all'), [16, 32, 32], 1).length).toBeGreaterThan(ws.length);
    expect(() => parseModels('resnet')).toThrow(/unknown model 'resnet'/);
  });

  it('passes onnxruntime on the strided model and reports every workload and pass as JSON', async () => {
    const r = await cli(['verify', '--backend', 'onnxruntime', '--model', 'strided', '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout);
    expect(json.pass).toBe(true);
    const count = modelConvWorkloads(['strided'], [16, 32, 32], 1).length;
    expect(json.results).toHaveLength(3 * count);
    for (const x of json.results) expect(x.maxRelError).toBeLessThan(1e-4);
  });

  it('exits 1 when a result exceeds the tolerance', async () => {
    const r = await cli(['verify', '--backend', 'onnxruntime', '--model', 'strided', '--tolerance', '1e-12']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^FAIL: \d+ of \d+ checks above 1e-12/m);
  });

  it('an unknown or unavailable backend exits 1 with one line', async () => {
    const unknown = await cli(['verify', '--backend', 'nope']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(
        /^unet3d: error: option '--backend <name>' argument 'nope' is invalid\. Allowed choices are onnxruntime, cudnn, tvm, tvm-cpu, reference\./,
      ),
    ]);
    const cudnn = await cli(['verify', '--backend', 'cudnn']);
    expect(cudnn.code).toBe(1);
    expect(cudnn.stderr.trim().split('\n')).toHaveLength(1);
    expect(cudnn.stderr).toMatch(/backend 'cudnn'/);
  });

  it('--backend tvm means the tvm family (CUDA target, then tvm-cpu), from the paper candidate lists', () => {
    expect(backendFamily('tvm')).toEqual(['tvm', 'tvm-cpu']);
    expect(backendFamily('cudnn')).toEqual(['cudnn']);
    expect(backendFamily('onnxruntime')).toEqual(['onnxruntime']);
  });

  // With a GPU the CUDA target answers; without one `tvm` fails to open and the family falls through to the
  // CPU target, which passes.
  it.skipIf(existsSync('/dev/nvidia0'))(
    'without a GPU, --backend tvm runs the CPU target (tvm-cpu) and passes',
    async () => {
      const r = await cli(['verify', '--backend', 'tvm', '--model', 'strided', '--json']);
      expect(r.code).toBe(0);
      expect(JSON.stringify(JSON.parse(r.stdout))).toContain('tvm-cpu');
    },
    600_000,
  );
});

describe('verify --device-ops', () => {
  it.skipIf(existsSync('/dev/nvidia0'))(
    'without a CUDA device: one line and an exit code of its own',
    async () => {
      const r = await cli(['verify', '--device-ops']);
      expect(r.code).toBe(VERIFY_EXIT.noCudaDevice);
      expect(r.code).not.toBe(VERIFY_EXIT.fail);
      expect(r.stdout).toBe('');
      expect(r.stderr.trim().split('\n')).toEqual([
        expect.stringMatching(/^unet3d: verify --device-ops needs a CUDA device: .*use --device cpu/),
      ]);
    },
  );

  it('--device cpu: the float32 CPU device against the float64 one, every op, as JSON', async () => {
    const r = await cli(['verify', '--device-ops', '--device', 'cpu', '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout);
    expect(json.check).toBe('device-ops');
    expect(json.pass).toBe(true);
    expect(new Set(json.checks.map((c: { op: string }) => c.op)).size).toBe(15); // DeviceOps, counted by hand
    // float32 rounding is visible but far below 1e-4.
    expect(json.worst.maxRelError).toBeGreaterThan(1e-9);
    expect(json.worst.maxRelError).toBeLessThan(1e-5);
  });

  it('a tolerance no float32 device meets fails with exit 1', async () => {
    const r = await cli(['verify', '--device-ops', '--device', 'cpu', '--tolerance', '1e-12']);
    expect(r.code).toBe(VERIFY_EXIT.fail);
    expect(r.stdout).toMatch(/^FAIL: \d+ outputs of 15 device ops/m);
  });
});

describe('verify --iteration', () => {
  it('the reference backend on the CPU against onnxruntime: loss and every gradient within 1e-3', async () => {
    const r = await cli(['verify', '--iteration', '--backend', 'reference', '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout);
    expect(json).toMatchObject({
      check: 'iteration',
      backend: 'reference',
      reference: 'onnxruntime',
      pass: true,
    });
    expect(json.reports.map((x: { network: string }) => x.network)).toEqual([
      'tiny-baseline',
      'tiny-strided',
    ]);
    for (const rep of json.reports) {
      // Two different conv implementations: not bit-identical, yet well inside the tolerance.
      expect(rep.worst.relError).toBeGreaterThan(0);
      expect(rep.worst.relError).toBeLessThan(1e-4);
      expect(rep.checks.filter((c: { what: string }) => c.what.startsWith('grad ')).length).toBeGreaterThan(
        20,
      );
    }
  });

  it('needs --backend, one line', async () => {
    const r = await cli(['verify', '--iteration']);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toEqual([expect.stringMatching(/verify needs --backend/)]);
  });
});
