import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { gpuIdentityFromDetails } from '@unet3d/results';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApplyHistoryBest } from '../../autotvm/history-best.js';
import { createTask } from '../../autotvm/task.js';
import { tuneWorkloads } from '../../autotvm/tune.js';
import { SyntheticMeasurer } from '../../testing/synthetic-measure.js';
import { tvmOptionsFromExtra } from '../../tvm-conv-backend.js';
import { networkConvWorkloads } from '../../workloads.js';
import { cudaTarget } from './cuda-target.js';
import { cudaTuningDir, tunedGpuIdentity } from './cuda-tuning-logs.js';

const H100 = 'NVIDIA H100 80GB HBM3';

/** What CudaDevice.describe() reports on an H100 (the keys it writes; the values of an H100 SXM). */
const h100Details = {
  device: 'cuda',
  name: H100,
  ordinal: 0,
  computeCapability: '9.0',
  arch: 'sm_90',
  smCount: 132,
  totalMemoryBytes: 85_045_379_072,
  driverVersion: '13.0',
};

// Row 4 on a GPU: `tune --target cuda` writes its log into the folder of the GPU's identity as the tuner sees
// it (name + DeviceLimits.arch 90); the bench row's worker then creates the tvm backend with only
// `extra: { results }` and the device, whose describe() gives computeCapability '9.0'.
describe('the tvm backend finds the CUDA tuning log of its GPU from extra.results', () => {
  let root: string;
  let logPath: string;
  const target = cudaTarget({ arch: 90, maxThreadsPerBlock: 1024, maxSharedBytesPerBlock: 48 * 1024 });
  const workload = networkConvWorkloads('scaled', 1, [16, 32, 32])[0]!;

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'unet3d-cuda-logs-'));
    logPath = join(cudaTuningDir(root, tunedGpuIdentity(H100, 90)), 'scaled-fp32.jsonl');
    // A real tuning run over a known cost landscape (no GPU here): real records in a real log file.
    const measurer = new SyntheticMeasurer(
      (v) => 1 + Object.values(v).reduce((a, b) => a + (b % 7), 0) / 100,
      target,
    );
    await tuneWorkloads({
      workloads: [workload],
      budget: 8,
      precision: 'fp32',
      logPath,
      tuner: 'random',
      seed: 1,
      measurer,
      passes: ['forward'],
    });
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('tune and the backend name the same folder: <results>/tuning/nvidia-h100-80gb-hbm3-sm90/', () => {
    expect(basename(cudaTuningDir(root, tunedGpuIdentity(H100, 90)))).toBe('nvidia-h100-80gb-hbm3-sm90');
    expect(cudaTuningDir(root, gpuIdentityFromDetails(H100, h100Details))).toBe(
      cudaTuningDir(root, tunedGpuIdentity(H100, 90)),
    );
  });

  it('finds the log from extra: { results } and the GPU, so describe() would show tunedTasks > 0', () => {
    const opts = tvmOptionsFromExtra({ results: root }, gpuIdentityFromDetails(H100, h100Details));
    expect(opts.tuningLogs).toEqual([logPath]);
    const history = ApplyHistoryBest.fromLogs(opts.tuningLogs);
    expect(history.size).toBe(1); // describe().tunedTasks: the one task tuned above
    const chosen = history.query(createTask(workload, 'forward', 'fp32', target));
    expect(chosen.source).toBe('history');
  });

  it('another GPU (an H200) has no log there: fallback configs, tunedTasks 0; named logs always win', () => {
    const h200 = gpuIdentityFromDetails('NVIDIA H200', { ...h100Details, name: 'NVIDIA H200' });
    expect(tvmOptionsFromExtra({ results: root }, h200).tuningLogs).toEqual([]);
    expect(tvmOptionsFromExtra({ results: root, tuningLog: 'x.jsonl' }, h200).tuningLogs).toEqual([
      'x.jsonl',
    ]);
    // Without the GPU's identity nothing can be found from `results` alone.
    expect(tvmOptionsFromExtra({ results: root }).tuningLogs).toEqual([]);
  });
});
