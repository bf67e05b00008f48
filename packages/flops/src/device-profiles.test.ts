import { describe, expect, it } from 'vitest';
import { getDeviceProfile, peakFlopsFor } from './device-profiles.js';

describe('the H200 profile (vendor-published specs)', () => {
  it('has the H100 SXM compute with 141 GB of HBM3e at 4.8 TB/s, so a lower ridge point', () => {
    const h200 = getDeviceProfile('h200-sxm');
    const h100 = getDeviceProfile('h100-sxm');
    expect(h200.arch).toBe('sm_90');
    expect(h200.smCount).toBe(132);
    expect(h200.memoryBytes).toBe(141e9);
    expect(peakFlopsFor(h200, 'fp32')).toBe(67e12);
    // Dense tensor-core rates: the datasheet's "with sparsity" 989 (tf32) and 1,979 (bf16) halved.
    expect(peakFlopsFor(h200, 'tf32')).toBeCloseTo(989.4e12 / 2, -9);
    expect(peakFlopsFor(h200, 'fp16-bf16')).toBeCloseTo(1978.8e12 / 2, -9);
    // Ridge point (FLOP per byte where the roofline bends): 67e12 / 4.8e12 = 13.96 vs 67e12 / 3.35e12 = 20.0.
    expect(h200.peakFlops.fp32 / h200.memoryBandwidth).toBeCloseTo(13.958, 3);
    expect(h100.peakFlops.fp32 / h100.memoryBandwidth).toBeCloseTo(20.0, 3);
    expect(h200.source).toMatch(/published.*not measured/);
  });
});
