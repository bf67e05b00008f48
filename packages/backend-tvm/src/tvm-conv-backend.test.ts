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

const gpu = await (async () => {
  try {
    const { cudaAvailability } = await import('@unet3d/cuda');
    return cudaAvailability().available;
  } catch {
    return false;
  }
})();
const makeDevice = async (): Promise<Device> => {
  const { CudaDevice } = await import('@unet3d/cuda');
  return CudaDevice.create();
};

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

  it.skipIf(gpu)('without a GPU the resolver reports tvm as unavailable with a reason', async () => {
    const err = await resolveBackend(['tvm'], makeDevice, 'fp32').then(
      () => new Error('tvm was created without a GPU'),
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(BackendUnavailableError);
    const failure = (err as BackendUnavailableError).failures[0]!;
    expect(failure.name).toBe('tvm');
    expect(failure.reason.length).toBeGreaterThan(0);
  });

  it.runIf(gpu)('with a GPU the resolver creates the tvm backend on it', async () => {
    const backend = await resolveBackend(['tvm'], makeDevice, 'fp32');
    expect(backend.name).toBe('tvm');
    expect(backend.device.kind).toBe('cuda');
    await backend.dispose();
  });
});
