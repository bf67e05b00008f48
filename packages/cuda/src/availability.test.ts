import { execFileSync } from 'node:child_process';
import { LibraryNotFoundError } from '@unet3d/core';
import { describe, expect, it } from 'vitest';
import { cudaAvailability } from './availability.js';
import { fakeProbe } from './testing/fake-probe.js';

describe('importing @unet3d/cuda', () => {
  it('never throws and loads no library', async () => {
    const mod = await import('./index.js');
    expect(typeof mod.cudaAvailability).toBe('function');
    expect(typeof mod.CudaDevice.create).toBe('function');
  });

  it('does not load koffi until a library is used (checked in a fresh node process)', () => {
    const script = `
      import { createRequire } from 'node:module';
      const require = createRequire(process.cwd() + '/');
      const koffis = () => Object.keys(require.cache).filter((k) => k.includes('koffi')).length;
      const m = await import('@unet3d/cuda');
      const before = koffis();
      m.cudaAvailability();
      console.log(JSON.stringify({ before, after: koffis() }));`;
    const out = execFileSync(
      process.execPath,
      ['--conditions=@unet3d/source', '--import', 'tsx', '--input-type=module', '-e', script],
      { encoding: 'utf8', cwd: new URL('..', import.meta.url).pathname },
    );
    const { before, after } = JSON.parse(out.trim().split('\n').pop()!) as { before: number; after: number };
    expect(before).toBe(0);
    expect(after).toBeGreaterThan(0);
  });
});

describe('cudaAvailability', () => {
  it('answers {available:false, reason} when libcuda is nowhere (fake empty system)', () => {
    const a = cudaAvailability({}, fakeProbe([]));
    // dlopen's own search may still find a real libcuda on a GPU machine.
    if (!a.available) {
      expect(a.reason).toMatch(/libcuda\.so\.1/);
      expect(a.reason).toMatch(/UNET3D_CUDA_LIB_DIR/);
    }
  });

  it('on this machine: available, or a one-line reason', () => {
    const a = cudaAvailability();
    if (a.available) {
      expect(a.deviceCount).toBeGreaterThan(0);
    } else {
      expect(a.reason.length).toBeGreaterThan(10);
      expect(a.reason).not.toMatch(/\n/);
    }
  });

  it('creating the device without a GPU throws LibraryNotFoundError or a named CUDA error', async () => {
    const { CudaDevice } = await import('./index.js');
    if (cudaAvailability().available) return;
    expect(() => CudaDevice.create()).toThrow();
    try {
      CudaDevice.create();
    } catch (e) {
      expect(e instanceof LibraryNotFoundError || (e as Error).name === 'CudaCallError').toBe(true);
    }
  });
});
