import {
  BackendUnavailableError,
  type Device,
  DeviceError,
  getBackendRegistration,
  resolveBackend,
} from '@unet3d/core';
import { describe, expect, it } from 'vitest';
import { TvmConvBackend, tvmOptionsFromExtra } from './tvm-conv-backend.js';
import './register.js';

describe('tvm conv backend', () => {
  it('registers as tvm on cuda with priority 90', () => {
    const reg = getBackendRegistration('tvm');
    expect(reg.deviceKind).toBe('cuda');
    expect(reg.priority).toBe(90);
  });

  it('reads tuning logs from extra', () => {
    expect(tvmOptionsFromExtra(undefined).tuningLogs).toEqual([]);
    expect(tvmOptionsFromExtra({ tuningLog: 'a.jsonl' }).tuningLogs).toEqual(['a.jsonl']);
    expect(tvmOptionsFromExtra({ tuningLogs: ['a', 'b'] }).tuningLogs).toEqual(['a', 'b']);
    expect(() => tvmOptionsFromExtra({ tuningLog: 3 })).toThrow(/path/);
  });

  it('refuses a non-CUDA device, and a CUDA device without the @unet3d/cuda internals, cleanly', async () => {
    const cpu = { kind: 'cpu' } as unknown as Device;
    await expect(TvmConvBackend.create({ device: cpu, mathMode: 'fp32' })).rejects.toThrow(/CUDA device/);
    const fake = { kind: 'cuda', name: 'fake' } as unknown as Device;
    await expect(TvmConvBackend.create({ device: fake, mathMode: 'fp32' })).rejects.toBeInstanceOf(
      DeviceError,
    );
  });

  it('without a GPU the resolver reports tvm as unavailable with a reason', async () => {
    const makeDevice = async (): Promise<Device> => {
      const { CudaDevice } = await import('@unet3d/cuda');
      return CudaDevice.create();
    };
    const err = await resolveBackend(['tvm'], makeDevice, 'fp32').catch((e: unknown) => e);
    // On a GPU machine the backend is created instead; dispose it.
    if (!(err instanceof BackendUnavailableError)) {
      await (err as { dispose(): Promise<void> }).dispose();
      return;
    }
    expect(err.failures[0]!.name).toBe('tvm');
    expect(err.failures[0]!.reason.length).toBeGreaterThan(0);
    console.log(`[tvm backend without GPU] ${err.failures[0]!.reason}`);
  });
});
