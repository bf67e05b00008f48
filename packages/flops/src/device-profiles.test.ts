import { describe, expect, it } from 'vitest';
import { profileForDeviceName } from './device-profile-by-name.js';
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

describe('the profile a GPU name picks (the name the driver reports)', () => {
  it('H100 SXM and H200 by their own names; PCIe and NVL parts (other clocks and memory) pick none', () => {
    expect(profileForDeviceName('NVIDIA H100 80GB HBM3')?.id).toBe('h100-sxm');
    expect(profileForDeviceName('NVIDIA H200')?.id).toBe('h200-sxm');
    expect(profileForDeviceName('NVIDIA H100 PCIe')).toBeUndefined();
    expect(profileForDeviceName('NVIDIA H100 NVL')).toBeUndefined();
    expect(profileForDeviceName('NVIDIA H200 NVL')).toBeUndefined();
    expect(profileForDeviceName('NVIDIA A100-SXM4-80GB')?.id).toBe('a100-sxm4-80gb');
    expect(profileForDeviceName('NVIDIA A100-PCIE-40GB')).toBeUndefined();
    expect(profileForDeviceName('Tesla V100-SXM2-32GB')?.id).toBe('v100-sxm2');
    expect(profileForDeviceName('NVIDIA TITAN X (Pascal)')?.id).toBe('titan-x-pascal');
    expect(profileForDeviceName('NVIDIA GeForce GTX TITAN X')).toBeUndefined(); // Maxwell, not the paper's
    expect(profileForDeviceName('AMD EPYC 9B45')).toBeUndefined();
  });

  it('the H100 SXM profile: 80 GB HBM3 at 3.35 TB/s, 67 TFLOP/s fp32, labelled as vendor specs', () => {
    const h100 = getDeviceProfile('h100-sxm');
    expect(h100.memoryBytes).toBe(80e9);
    expect(h100.memoryBandwidth).toBe(3.35e12);
    expect(peakFlopsFor(h100, 'fp32')).toBe(67e12);
    expect(h100.source).toMatch(/vendor's published specs.*not measured/);
  });
});
