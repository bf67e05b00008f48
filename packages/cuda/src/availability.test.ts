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
