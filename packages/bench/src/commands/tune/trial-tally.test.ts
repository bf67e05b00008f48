import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { networkConvWorkloads, tuneWorkloads } from '@unet3d/backend-tvm';
import { SyntheticMeasurer } from '@unet3d/backend-tvm/testing';
import { DeviceError, errorToOneLine } from '@unet3d/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TrialTally } from './trial-tally.js';

// The failing measurer is a test double for the error path only: every config "faults" (RUNTIME_DEVICE), as
// every trial did in a bundle whose measure worker could not start.
describe('TrialTally: a tune run in which every trial failed is a failure, not a success', () => {
  let dir: string;
  const workloads = networkConvWorkloads('strided', 1, [16, 32, 32]).slice(0, 1);
  const run = async (cost: (v: Record<string, number>) => number | undefined, budget = 4) => {
    const tally = new TrialTally(new SyntheticMeasurer(cost));
    const logPath = join(dir, `${Math.random().toString(36).slice(2)}.jsonl`);
    await tuneWorkloads({
      workloads,
      budget,
      precision: 'fp32',
      logPath,
      tuner: 'random',
      seed: 3,
      measurer: tally,
      passes: ['forward'],
    });
    return { tally, logPath };
  };
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'unet3d-tally-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('all 4 trials failed: one DeviceError line naming the count, the first error and the log', async () => {
    const { tally, logPath } = await run(() => undefined);
    expect([tally.measured, tally.failed]).toEqual([4, 4]);
    const failure = tally.failureOfRun(logPath);
    expect(failure).toBeInstanceOf(DeviceError);
    const line = errorToOneLine(failure);
    expect(line).toMatch(/every one of the 4 trials measured failed/);
    expect(line).toContain(logPath);
    expect(line).not.toMatch(/\n/);
  });

  it('one trial that worked is a run that tuned something: no failure', async () => {
    let n = 0;
    const { tally, logPath } = await run(() => (n++ === 2 ? 1.5 : undefined));
    expect([tally.measured, tally.failed]).toEqual([4, 3]);
    expect(tally.failureOfRun(logPath)).toBeUndefined();
  });

  it('nothing measured (all resumed from the log, or no time left) is no failure either', async () => {
    const { logPath } = await run(() => 2, 4);
    const again = new TrialTally(new SyntheticMeasurer(() => undefined));
    await tuneWorkloads({
      workloads,
      budget: 4,
      precision: 'fp32',
      logPath,
      tuner: 'random',
      seed: 3,
      measurer: again,
      passes: ['forward'],
    });
    expect(again.measured).toBe(0);
    expect(again.failureOfRun(logPath)).toBeUndefined();
  });
});
