import { basename } from 'node:path';
import { cudaTuningDir, tunedGpuIdentity } from '@unet3d/backend-tvm';
import { identitySlug } from '@unet3d/results';
import { describe, expect, it } from 'vitest';
import type { RowOutcome } from './row-job.js';
import { deviceOf } from './run-provenance.js';

const H100 = 'NVIDIA H100 80GB HBM3';

/** A GPU row's outcome as the row worker writes it: device.details is CudaDevice.describe()'s object. */
const gpuOutcome: RowOutcome = {
  status: 'ok',
  backend: 'cudnn',
  backendDevice: 'cuda',
  resolutionFailures: [],
  counts: { iterations: 2, warmupIterations: 1, profileIterations: 0 },
  samplesMs: [10, 11],
  perLayer: [],
  backendDetails: { cudnnVersion: '9.13.0' },
  device: {
    kind: 'cuda',
    name: H100,
    details: {
      device: 'cuda',
      name: H100,
      ordinal: 0,
      computeCapability: '9.0',
      arch: 'sm_90',
      smCount: 132,
      totalMemoryBytes: 85_045_379_072,
      driverVersion: '13.0',
    },
  },
  peakHostRssBytes: null,
  peakDeviceBytes: null,
  harnessOverheadMs: 0.1,
  finalLoss: 0.7,
};

describe("a GPU run's device: one identity for the results folder and the tuning log folder", () => {
  it('results and `tune --target cuda` both file the H100 under nvidia-h100-80gb-hbm3-sm90', () => {
    const device = deviceOf(gpuOutcome);
    expect(device.identity?.kind).toBe('cuda');
    const slug = identitySlug(device.identity!);
    expect(slug).toBe('nvidia-h100-80gb-hbm3-sm90');
    // What tune sees: the measurer's device name and its DeviceLimits.arch (90).
    expect(basename(cudaTuningDir('results', tunedGpuIdentity(H100, 90)))).toBe(slug);
  });

  it("records the GPU's own memory (not the host's), its driver, and the profile its name picks", () => {
    const device = deviceOf(gpuOutcome);
    expect(device.memoryBytes).toBe(85_045_379_072);
    expect(device.identity).toMatchObject({ memoryBytes: 85_045_379_072, driver: '13.0', sm: '9.0' });
    expect(device.profile).toBe('h100-sxm');
    const h200 = deviceOf({ ...gpuOutcome, device: { ...gpuOutcome.device!, name: 'NVIDIA H200' } });
    expect(h200.profile).toBe('h200-sxm');
    const pcie = deviceOf({ ...gpuOutcome, device: { ...gpuOutcome.device!, name: 'NVIDIA H100 PCIe' } });
    expect(pcie.profile).toBeNull();
  });
});
