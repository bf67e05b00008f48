import {
  BackendUnavailableError,
  type Device,
  DeviceError,
  listBackends,
  resolveBackend,
} from '@unet3d/core';
import { CudaDevice, cudaAvailability } from '@unet3d/cuda';
import { describe, expect, it } from 'vitest';

describe('registration', () => {
  it('index.ts registers nothing; register.ts registers cudnn (cuda, priority 100)', async () => {
    await import('./index.js');
    expect(listBackends().some((b) => b.name === 'cudnn')).toBe(false);
    await import('./register.js');
    const reg = listBackends().find((b) => b.name === 'cudnn');
    expect(reg).toMatchObject({ name: 'cudnn', deviceKind: 'cuda', priority: 100 });
  });

  it('refuses a non-CUDA device', async () => {
    const { cudnnRegistration } = await import('./index.js');
    const fake = { kind: 'cpu' } as Device;
    await expect(cudnnRegistration.create({ device: fake, mathMode: 'fp32' })).rejects.toThrow(DeviceError);
  });

  it.skipIf(cudaAvailability().available)(
    'without a GPU, resolving reports the missing library',
    async () => {
      await import('./register.js');
      const err = await resolveBackend(['cudnn'], async () => CudaDevice.create(), 'fp32').catch((e) => e);
      expect(err).toBeInstanceOf(BackendUnavailableError);
      expect((err as BackendUnavailableError).failures[0]!.reason).toMatch(
        /libcuda\.so\.1 not found|libcuda/,
      );
    },
  );
});
