import { readFile } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import { type BackendFailure, BackendUnavailableError, errorToOneLine, writeFileAtomic } from '@unet3d/core';
import { makeTrainingBatch } from '@unet3d/data';
import { buildNetwork } from '@unet3d/model';
import { createTrainer } from '@unet3d/train';
import { Bench } from 'tinybench';
import { type OpenedBackend, openFirstBackend } from '../../backends.js';
import { PerLayerProfile } from './per-layer-profile.js';
import {
  backendLine,
  defaultIterationCounts,
  type IterationCounts,
  progressLine,
  type RowJob,
  type RowOutcome,
} from './row-job.js';

function notRun(job: RowJob, reason: string, failures: readonly BackendFailure[]): RowOutcome {
  return {
    status: 'not-run',
    reason,
    backend: job.candidates[0] ?? 'none',
    backendDevice: 'cpu',
    resolutionFailures: failures,
    counts: { ...defaultIterationCounts('cpu', job.quick), ...job.counts },
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
 * Measure one Table-1 row in this (child) process. The row's candidate backends are resolved here, through
 * core's registry (the first that can be created runs the row; every earlier failure is reported), then:
 * warm-up, timed training iterations scheduled by tinybench (each sample is the trainer's own step time,
 * synchronised with the device at its end), then a few profiled iterations for per-layer times. The batch
 * is put on the device once: samples time compute, not data loading. No candidate usable makes the row
 * 'not-run'; anything else that throws makes the process fail, and the parent records the row as failed.
 */
export async function measureRow(job: RowJob): Promise<RowOutcome> {
  const network = buildNetwork({ model: job.row.model, input: job.patch, batch: job.batch });
  let opened: OpenedBackend;
  try {
    opened = await openFirstBackend(job.candidates, {
      mathMode: job.mathMode,
      extra: {
        ...(job.resultsRoot !== undefined ? { results: job.resultsRoot } : {}),
        ...(job.tuningFrom !== undefined ? { tuningFrom: job.tuningFrom } : {}),
      },
    });
  } catch (err) {
    const failures = err instanceof BackendUnavailableError ? err.failures : [];
    return notRun(job, errorToOneLine(err), failures);
  }
  process.stderr.write(backendLine(opened.backend.name, opened.device.kind));
  const counts: IterationCounts = { ...defaultIterationCounts(opened.device.kind, job.quick), ...job.counts };
  const { backend, device } = opened;
  const { warmupIterations, iterations, profileIterations } = counts;
  try {
    process.stderr.write(progressLine('prepare', 0, 1));
    const trainer = await createTrainer({ network, device, backend, seed: job.seed });
    const data = makeTrainingBatch({ patch: job.patch, batch: job.batch, seed: job.seed });
    const batch = {
      input: device.upload(data.input, data.inputShape),
      target: device.upload(data.target, data.targetShape),
      mask: device.upload(data.mask, data.targetShape),
    };
    const total = warmupIterations + iterations + profileIterations;
    let done = 0;
    let phase: 'warmup' | 'run' = 'warmup';
    const samplesMs: number[] = [];
    let lastLoss: number | null = null;
    let runStart = 0;
    let runWall = 0;
    const bench = new Bench({
      iterations: iterations,
      time: 0,
      warmup: warmupIterations > 0,
      warmupIterations: warmupIterations,
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
        if (phase === 'warmup' && job.injectCrash && done === warmupIterations) {
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
    if (samplesMs.length !== iterations) {
      throw new Error(`expected ${iterations} timed iterations, tinybench ran ${samplesMs.length}`);
    }

    const profile = new PerLayerProfile(network);
    trainer.setTimingHook(profile.hook);
    for (let i = 0; i < profileIterations; i++) {
      await trainer.step(batch);
      profile.endIteration();
      process.stderr.write(progressLine('profile', ++done, total));
    }
    trainer.setTimingHook(undefined);

    const sum = samplesMs.reduce((a, b) => a + b, 0);
    const outcome: RowOutcome = {
      status: 'ok',
      backend: backend.name,
      backendDevice: device.kind,
      resolutionFailures: opened.failures,
      counts,
      samplesMs,
      perLayer: profile.entries(),
      backendDetails: { ...backend.describe(), mathMode: backend.mathMode },
      device: { kind: device.kind, name: device.name, details: device.describe() },
      peakHostRssBytes: process.resourceUsage().maxRSS * 1024,
      peakDeviceBytes: device.memoryStats().peakBytes,
      harnessOverheadMs: Math.max(0, (runWall - sum) / iterations),
      finalLoss: lastLoss,
    };
    for (const t of [batch.input, batch.target, batch.mask]) device.free(t);
    trainer.dispose();
    return outcome;
  } finally {
    await opened.close();
  }
}

/** Child entry: read the job, measure, write the outcome atomically (core's writeFileAtomic). */
export async function runRowJobFile(jobPath: string, outPath: string): Promise<void> {
  const job = JSON.parse(await readFile(jobPath, 'utf8')) as RowJob;
  const outcome = await measureRow(job);
  await writeFileAtomic(outPath, JSON.stringify(outcome));
}
