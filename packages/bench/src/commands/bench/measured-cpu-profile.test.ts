import { DeviceInfoSchema } from '@unet3d/results';
import { afterEach, describe, expect, it } from 'vitest';
import { measureRunCpuProfile } from './measured-cpu-profile.js';

const device = {
  kind: 'cpu' as const,
  name: 'test CPU',
  cores: 2,
  gpuName: null,
  driverVersion: null,
  cudaVersion: null,
  cudnnVersion: null,
  computeCapability: null,
  memoryBytes: 1,
  profile: null,
};

describe('measured CPU profile for the results file', () => {
  const savedCc = process.env.CC;
  afterEach(() => {
    if (savedCc === undefined) delete process.env.CC;
    else process.env.CC = savedCc;
  });

  it('measures peak and copy bandwidth with the real compiler, in the results schema', async () => {
    const { measured, note } = await measureRunCpuProfile();
    expect(note).toBeUndefined();
    expect(measured!.method).toBe('measured (FMA loop / copy loop)');
    // Any CPU this runs on does more than 1 GFLOP/s and copies more than 100 MB/s; less means a broken loop.
    expect(measured!.peakFp32FlopsPerSecond).toBeGreaterThan(1e9);
    expect(measured!.copyBytesPerSecond).toBeGreaterThan(1e8);
    expect(typeof measured!.features['vectorWidthFp32']).toBe('number');
    const parsed = DeviceInfoSchema.parse({ ...device, measured });
    expect(parsed.measured).toEqual(measured);
    expect(() =>
      DeviceInfoSchema.parse({ ...device, measured: { ...measured, copyBytesPerSecond: -1 } }),
    ).toThrow();
  });

  it('records null and a one-line reason without a compiler', async () => {
    process.env.CC = '/nonexistent/cc-for-test';
    const { measured, note } = await measureRunCpuProfile();
    expect(measured).toBeNull();
    expect(note).toMatch(/^CPU profile \(peak, bandwidth\) not measured: .*cc-for-test/);
    expect(note).not.toContain('\n');
    expect(DeviceInfoSchema.parse({ ...device, measured }).measured).toBeNull();
  });
});
