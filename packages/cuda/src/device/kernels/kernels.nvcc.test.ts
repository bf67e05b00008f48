import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { ALL_KERNEL_SOURCES } from './index.js';
import { type PtxasKernelReport, parsePtxasVerbose } from './ptxas-report.js';

const run = promisify(execFile);

/** nvcc on PATH, in $CUDA_HOME/bin, or in /usr/local/cuda*\/bin. */
function findNvcc(): string | undefined {
  const dirs = [
    ...(process.env['PATH'] ?? '').split(':'),
    ...(['CUDA_HOME', 'CUDA_PATH'].map((v) => process.env[v]).filter(Boolean) as string[]).map((r) =>
      path.join(r, 'bin'),
    ),
    '/usr/local/cuda/bin',
    '/usr/local/cuda-13.0/bin',
  ];
  return dirs.map((d) => path.join(d, 'nvcc')).find((p) => existsSync(p));
}

const nvcc = findNvcc();
if (!nvcc)
  console.warn('[skip] kernel compile test: nvcc not found on PATH, $CUDA_HOME/bin or /usr/local/cuda*/bin');

describe('parsePtxasVerbose', () => {
  it('reads registers, stack, spills and shared memory per entry', () => {
    const out = `ptxas info    : Compiling entry function 'k1' for 'sm_90'
ptxas info    : Function properties for k1
    96 bytes stack frame, 8 bytes spill stores, 4 bytes spill loads
ptxas info    : Used 40 registers, used 1 barriers, 256 bytes smem
ptxas info    : Compiling entry function 'k2' for 'sm_90'
ptxas info    : Function properties for k2
    0 bytes stack frame, 0 bytes spill stores, 0 bytes spill loads
ptxas info    : Used 28 registers, used 0 barriers`;
    expect(parsePtxasVerbose(out)).toEqual([
      {
        name: 'k1',
        arch: 'sm_90',
        registers: 40,
        stackBytes: 96,
        spillStoreBytes: 8,
        spillLoadBytes: 4,
        sharedBytes: 256,
      },
      {
        name: 'k2',
        arch: 'sm_90',
        registers: 28,
        stackBytes: 0,
        spillStoreBytes: 0,
        spillLoadBytes: 0,
        sharedBytes: 0,
      },
    ]);
  });
});

describe.skipIf(!nvcc)('every kernel source compiles with nvcc -arch=sm_90 -cubin -Xptxas -v', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'unet3d-nvcc-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const reports = new Map<string, PtxasKernelReport[]>();

  it('compiles (two at a time) without errors or warnings', async () => {
    const queue = [...ALL_KERNEL_SOURCES];
    const worker = async () => {
      for (let k = queue.shift(); k; k = queue.shift()) {
        const cu = path.join(dir, k.name);
        writeFileSync(cu, k.source);
        const { stdout, stderr } = await run(nvcc!, [
          '-arch=sm_90',
          '-cubin',
          '-std=c++17',
          '-Xptxas',
          '-v',
          '-o',
          `${cu}.cubin`,
          cu,
        ]);
        const text = `${stdout}\n${stderr}`;
        expect(text, k.name).not.toMatch(/warning|error/i);
        reports.set(k.name, parsePtxasVerbose(text));
      }
    };
    await Promise.all([worker(), worker()]);
    const table = [...reports.values()]
      .flat()
      .map(
        (r) =>
          `${r.name}: ${r.registers} regs, ${r.stackBytes} B stack, ${r.spillStoreBytes}/${r.spillLoadBytes} B spill st/ld`,
      );
    console.log(`ptxas sm_90:\n  ${table.join('\n  ')}`);
  }, 900_000);

  it.each(ALL_KERNEL_SOURCES.map((k) => [k.name, k] as const))(
    '%s: defines its kernels, no spills, ≤ 64 registers',
    (name, k) => {
      const r = reports.get(name);
      expect(r, 'compile step must run first').toBeDefined();
      expect(r!.map((e) => e.name).sort()).toEqual([...k.functions].sort());
      for (const e of r!) {
        expect(e.spillStoreBytes + e.spillLoadBytes, e.name).toBe(0);
        expect(e.stackBytes, e.name).toBe(0);
        expect(e.registers, e.name).toBeLessThanOrEqual(64);
      }
    },
  );
});
