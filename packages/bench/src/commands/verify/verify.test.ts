import { spawn } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
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
});
