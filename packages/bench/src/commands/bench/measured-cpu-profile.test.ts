import { spawn } from 'node:child_process';
import { availableParallelism } from 'node:os';
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
    const { measured, note } = await measureRunCpuProfile({ retryDelayMs: 500 });
    // A note only when this (shared) machine was busy; then it says so.
    if (note) expect(note).toMatch(/^Measured roofs/);
    expect(measured!.method).toBe('measured (FMA loop / copy loop)');
    // The rows' fixed thread count (OMP_NUM_THREADS as given, else every CPU), and a recorded quietness.
    expect(measured!.threads).toBe(Number(process.env.OMP_NUM_THREADS));
    if (process.platform === 'linux') {
      expect(measured!.quietness!.during.intervalS).toBeGreaterThan(0);
      expect(measured!.quietness!.noisy).toBe(note !== undefined && !/, quiet\.$/.test(note));
    }
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

  it.skipIf(process.platform !== 'linux')(
    'measures again once when other processes hold the CPUs, then records the roofs marked noisy',
    async () => {
      // One `yes` per CPU, not in this process's tree: every CPU stays busy with other work throughout.
      const hogs = Array.from({ length: availableParallelism() }, () =>
        spawn('yes', [], { stdio: 'ignore' }),
      );
      try {
        const { measured, note } = await measureRunCpuProfile({
          profile: { peakSeconds: 0.02, reps: 1, bufferBytes: 1 << 22 },
          retryDelayMs: 100,
        });
        const q = measured!.quietness!;
        expect(q.noisy).toBe(true);
        expect(q.during.otherCpuShare).toBeGreaterThan(q.thresholdShare);
        expect(note).toMatch(
          /^Measured roofs taken on a busy machine: other processes held \d+% .*; measured again after 0\.1 s: other processes held \d+% .*\. The (first|second) \(quieter\) is recorded, marked noisy\.$/,
        );
        expect(DeviceInfoSchema.parse({ ...device, measured }).measured!.quietness).toEqual(q);
      } finally {
        for (const h of hogs) h.kill('SIGKILL');
      }
    },
    60_000,
  );

  it('records null and a one-line reason without a compiler', async () => {
    process.env.CC = '/nonexistent/cc-for-test';
    const { measured, note } = await measureRunCpuProfile();
    expect(measured).toBeNull();
    expect(note).toMatch(/^CPU profile \(peak, bandwidth\) not measured: .*cc-for-test/);
    expect(note).not.toContain('\n');
    expect(DeviceInfoSchema.parse({ ...device, measured }).measured).toBeNull();
  });
});
