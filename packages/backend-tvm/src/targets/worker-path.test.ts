import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { DeviceError, errorToOneLine } from '@unet3d/core';
import { describe, expect, it } from 'vitest';
import { MEASURE_WORKERS, measureWorkerPath } from './worker-path.js';

const src = fileURLToPath(new URL('..', import.meta.url));

describe('measureWorkerPath: the measure worker beside the module that starts it', () => {
  it('from source: the .ts worker beside each measurer, and every listed worker file exists', () => {
    const cpuCaller = pathToFileURL(join(src, 'targets/cpu/cpu-measurer.ts')).href;
    expect(measureWorkerPath('cpu-measure-child', cpuCaller)).toBe(
      join(src, MEASURE_WORKERS['cpu-measure-child']),
    );
    const cudaCaller = pathToFileURL(join(src, 'targets/cuda/cuda-child-measurer.ts')).href;
    expect(measureWorkerPath('cuda-measure-child', cudaCaller)).toBe(
      join(src, MEASURE_WORKERS['cuda-measure-child']),
    );
  });

  it('in a bundle (the caller is unet3d.mjs): <name>.mjs beside it, or one line naming the missing file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'unet3d-worker-path-'));
    try {
      const bundleUrl = pathToFileURL(join(dir, 'unet3d.mjs')).href;
      let err: unknown;
      try {
        measureWorkerPath('cuda-measure-child', bundleUrl);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(DeviceError);
      const line = errorToOneLine(err);
      expect(line).toContain(join(dir, 'cuda-measure-child.mjs'));
      expect(line).toMatch(/pnpm bundle/);
      expect(line).not.toMatch(/\n/);
      writeFileSync(join(dir, 'cuda-measure-child.mjs'), '');
      expect(measureWorkerPath('cuda-measure-child', bundleUrl)).toBe(join(dir, 'cuda-measure-child.mjs'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('built (dist/…/*.js): the .js worker beside it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'unet3d-worker-path-'));
    try {
      writeFileSync(join(dir, 'cpu-measure-child.js'), '');
      const caller = pathToFileURL(join(dir, 'cpu-measurer.js')).href;
      expect(measureWorkerPath('cpu-measure-child', caller)).toBe(join(dir, 'cpu-measure-child.js'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
