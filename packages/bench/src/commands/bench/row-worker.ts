import { readFile, rename, writeFile } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import { errorToOneLine } from '@unet3d/core';
import { makeTrainingBatch } from '@unet3d/data';
import { buildNetwork } from '@unet3d/model';
import { createTrainer } from '@unet3d/train';
import { Bench } from 'tinybench';
import { openBackend } from '../../backends.js';
import { PerLayerProfile } from './per-layer-profile.js';
import { progressLine, type RowJob, type RowOutcome } from './row-job.js';

function notRun(reason: string): RowOutcome {
  return {
    status: 'not-run',
    reason,
    samplesMs: [],
    perLayer: [],
    backendDetails: {},
    device: null,
    peakHostRssBytes: null,
    peakDeviceBytes: null,
    harnessOverheadMs: null,
    finalLoss: null,
  };
}

/**
 * Measure one Table-1 row in this (child) process: warm-up, then timed training iterations scheduled by
 * tinybench (each sample is the trainer's own step time, synchronised with the device at its end), then a
 * few profiled iterations for per-layer times. The batch is put on the device once: samples time compute,
 * not data loading. A backend that cannot be created makes the row 'not-run'; anything else that throws
 * makes the process fail, and the parent records the row as failed.
 */
export async function measureRow(job: RowJob): Promise<RowOutcome> {
  const network = buildNetwork({ model: job.row.model, input: job.patch, batch: job.batch });
  let opened: Awaited<ReturnType<typeof openBackend>>;
  try {
    opened = await openBackend(job.backend, { mathMode: job.mathMode });
  } catch (err) {
    return notRun(errorToOneLine(err));
  }
  const { backend, device } = opened;
  try {
    process.stderr.write(progressLine('prepare', 0, 1));
    const trainer = await createTrainer({ network, device, backend, seed: job.seed });
    const data = makeTrainingBatch({ patch: job.patch, batch: job.batch, seed: job.seed });
    const batch = {
      input: device.upload(data.input, data.inputShape),
      target: device.upload(data.target, data.targetShape),
      mask: device.upload(data.mask, data.targetShape),
    };
    const total = job.warmupIterations + job.iterations + job.profileIterations;
    let done = 0;
    let phase: 'warmup' | 'run' = 'warmup';
    const samplesMs: number[] = [];
    let lastLoss: number | null = null;
    let runStart = 0;
    let runWall = 0;
    const bench = new Bench({
      iterations: job.iterations,
      time: 0,
      warmup: job.warmupIterations > 0,
      warmupIterations: job.warmupIterations,
      warmupTime: 0,
      throws: true,
    });
    bench.add(
      job.row.id,
      async () => {
        const r = await trainer.step(batch);
        lastLoss = r.loss;
        if (phase === 'run') samplesMs.push(r.ms);
        process.stderr.write(progressLine(phase, ++done, total));
        if (phase === 'warmup' && job.injectCrash && done === job.warmupIterations) {
          process.kill(process.pid, 'SIGKILL'); // simulate the OOM killer (test hook)
        }
        return { overriddenDuration: r.ms };
      },
      {
        beforeAll(mode) {
          phase = mode === 'warmup' ? 'warmup' : 'run';
          if (phase === 'run') runStart = performance.now();
        },
        afterAll(mode) {
          if (mode !== 'warmup') runWall = performance.now() - runStart;
        },
      },
    );
    await bench.run();
    if (samplesMs.length !== job.iterations) {
      throw new Error(`expected ${job.iterations} timed iterations, tinybench ran ${samplesMs.length}`);
    }

    const profile = new PerLayerProfile(network);
    trainer.setTimingHook(profile.hook);
    for (let i = 0; i < job.profileIterations; i++) {
      await trainer.step(batch);
      profile.endIteration();
      process.stderr.write(progressLine('profile', ++done, total));
    }
    trainer.setTimingHook(undefined);

    const sum = samplesMs.reduce((a, b) => a + b, 0);
    const outcome: RowOutcome = {
      status: 'ok',
      samplesMs,
      perLayer: profile.entries(),
      backendDetails: { ...backend.describe(), mathMode: backend.mathMode },
      device: { kind: device.kind, name: device.name, details: device.describe() },
      peakHostRssBytes: process.resourceUsage().maxRSS * 1024,
      peakDeviceBytes: device.memoryStats().peakBytes,
      harnessOverheadMs: Math.max(0, (runWall - sum) / job.iterations),
      finalLoss: lastLoss,
    };
    for (const t of [batch.input, batch.target, batch.mask]) device.free(t);
    trainer.dispose();
    return outcome;
  } finally {
    await opened.close();
  }
}

/** Child entry: read the job, measure, write the outcome atomically (temp file + rename). */
export async function runRowJobFile(jobPath: string, outPath: string): Promise<void> {
  const job = JSON.parse(await readFile(jobPath, 'utf8')) as RowJob;
  const outcome = await measureRow(job);
  const tmp = `${outPath}.tmp`;
  await writeFile(tmp, JSON.stringify(outcome));
  await rename(tmp, outPath);
}
