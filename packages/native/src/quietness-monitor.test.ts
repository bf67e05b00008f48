import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { QuietnessSchema } from '@unet3d/results';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { measureQuietly, QuietnessMonitor } from './quietness-monitor.js';
import { readProcessTrees } from './system-reader.js';

/**
 * Real processes, real /proc. The machine these tests run on may be shared and busy, so no assertion rests on
 * it being quiet:
 * - With one CPU hog per CPU running (`yes` writing to /dev/null, NOT in the measured set), a scheduler that
 *   never idles a CPU while something is runnable keeps every CPU busy whatever else runs, so a sleeping
 *   measured process must see nearly all CPU time as other work: noisy, share far above the threshold.
 * - The control measures every process this machine can see (the trees of pid 1, user space, and pid 2,
 *   the kernel's threads) over the same interval, hogs still running: then "other work" is only what no
 *   visible process is charged with (interrupt time), by construction, however busy the machine is. It needs
 *   the host's PID namespace (pid 2 is kthreadd); inside a container's own namespace processes outside it
 *   are invisible, and the control is skipped there.
 */
const linux = process.platform === 'linux';
const wholeMachineVisible = linux && readOr('/proc/2/comm')?.trim() === 'kthreadd';

function readOr(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}

describe.skipIf(!linux)('QuietnessMonitor on a real machine', () => {
  const hogs: ChildProcess[] = [];
  let sleeper: ChildProcess;

  beforeAll(async () => {
    sleeper = spawn('sleep', ['60'], { stdio: 'ignore' });
    for (let i = 0; i < os.availableParallelism(); i++) hogs.push(spawn('yes', [], { stdio: 'ignore' }));
    await sleep(200);
  });

  afterAll(() => {
    for (const h of hogs) h.kill('SIGKILL');
    sleeper.kill('SIGKILL');
  });

  it('calls a measurement noisy when CPU hogs outside the measured set run, and not when they are measured', async () => {
    const cpus = os.availableParallelism();
    const [busy, all] = await Promise.all([
      measureQuietly(() => sleep(2500), { pids: [sleeper.pid!] }),
      wholeMachineVisible ? measureQuietly(() => sleep(2500), { pids: [1, 2] }) : Promise.resolve(null),
    ]);
    const q = busy.quietness!;
    expect(busy.note).toBeNull();
    expect(QuietnessSchema.parse(q)).toEqual(q);
    expect(q.thresholdShare).toBeLessThanOrEqual(0.15);
    // Every CPU busy with hogs: well over half the machine is other work, for the whole and for the worst second.
    expect(q.during.otherCpuShare).toBeGreaterThan(0.6);
    expect(q.before.otherCpuShare).toBeGreaterThan(0.6);
    expect(q.worst!.otherCpuShare).toBeGreaterThanOrEqual(q.during.otherCpuShare - 0.05);
    expect(q.during.intervalS).toBeGreaterThan(2.4);
    expect(q.noisy).toBe(true);
    expect(q.reason).toMatch(new RegExp(`^other processes held \\d+%.* of ${cpus} CPUs? \\(load average`));

    if (all) {
      const c = all.quietness!;
      expect(c.during.otherCpuShare).toBeLessThan(0.05);
      // Quiet unless a hypervisor stole CPU time (counted as noise on purpose).
      if (c.during.stealShare < c.thresholdShare - 0.05) expect(c.noisy).toBe(false);
      expect(c.reason === null).toBe(!c.noisy);
    }
  }, 30_000);

  it('stops sampling and rethrows when the measurement fails', async () => {
    await expect(
      measureQuietly(
        async () => {
          throw new Error('row failed');
        },
        { pids: [process.pid], beforeMs: 50 },
      ),
    ).rejects.toThrow('row failed');
    const m = await QuietnessMonitor.start({ pids: [process.pid], beforeMs: 50 });
    await m.stop();
    await expect(m.stop()).rejects.toThrow(/twice/);
  });
});

describe.skipIf(!linux)('readProcessTrees', () => {
  it('finds the same tree through the children files as through a scan of every process', async () => {
    // A tree two levels deep: sh → sleep, started by this process.
    const sh = spawn('sh', ['-c', 'sleep 30 & sleep 30 & wait'], { stdio: 'ignore' });
    try {
      await sleep(300);
      const pids = (how: 'children' | 'scan') =>
        readProcessTrees([sh.pid!], how)
          .map((p) => p.pid)
          .sort((a, b) => a - b);
      const scanned = pids('scan');
      expect(scanned).toHaveLength(3);
      expect(scanned[0]).toBe(sh.pid);
      if (readOr(`/proc/self/task/${process.pid}/children`) !== null)
        expect(pids('children')).toEqual(scanned);
    } finally {
      sh.kill('SIGKILL');
    }
  });
});
