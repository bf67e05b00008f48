import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
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
      // One `yes` per CPU, NOT in this process's tree (the monitor counts its descendants as the measured
      // work): each is started by a subshell that exits at once, so the hog is re-parented away from us.
      const hogs = Array.from({ length: availableParallelism() }, () => ({
        pid: Number(
          execFileSync('sh', ['-c', '(yes > /dev/null 2>&1 & echo $!)'], { encoding: 'utf8' }).trim(),
        ),
      }));
      try {
        // Measure only once every hog is running (a spawned process takes a while to be scheduled; a roof taken
        // before would be quiet, and rightly recorded so).
        await hogsRunning(hogs.map((h) => h.pid));
        const { measured, note } = await measureRunCpuProfile({
          profile: { peakSeconds: 0.2, reps: 1, bufferBytes: 1 << 22 },
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
        for (const h of hogs) process.kill(h.pid, 'SIGKILL');
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

/** Resolves once every pid has used CPU time (/proc/<pid>/stat utime + stime > 0), or after 10 s. */
async function hogsRunning(pids: readonly number[]): Promise<void> {
  const used = (pid: number): number => {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]);
  };
  const end = Date.now() + 10_000;
  while (Date.now() < end && !pids.every((pid) => used(pid) > 0)) {
    await new Promise((r) => setTimeout(r, 50));
  }
}
