import { ConfigError } from '@unet3d/core';
import type { Precision } from './storage.js';

/**
 * A GPU's peak dense throughput per math precision (FLOP/s; fp32 = the CUDA-core vector rate, tf32 and
 * fp16-bf16 = tensor cores, without structured sparsity) and its memory bandwidth (bytes/s). A precision the
 * GPU has no fast path for is absent.
 */
export interface DeviceProfile {
  readonly id: string;
  readonly name: string;
  readonly peakFlops: Readonly<Partial<Record<Precision, number>>> & { readonly fp32: number };
  readonly memoryBandwidth: number;
  /** Compute capability as NVRTC's architecture name (e.g. "sm_90"), where known. */
  readonly arch?: string;
  /** Streaming multiprocessors, where known. */
  readonly smCount?: number;
  /** Device memory in bytes (the vendor's decimal GB), where known. */
  readonly memoryBytes?: number;
  /** Where the numbers come from. */
  readonly source: string;
}

const T = 1e12;
const GBPS = 1e9;
const GB = 1e9;

/**
 * Published datasheet numbers (dense; NVIDIA quotes tensor-core rates "with sparsity", which are halved here).
 * - TITAN X (Pascal), the paper's GPU: 3584 CUDA cores × 2 × 1531 MHz boost = 10.97 TFLOP/s fp32 (NVIDIA
 *   markets "11 TFLOPS"; the paper quotes 10), 480 GB/s GDDR5X. No tensor cores; fp16 runs at 1/64 rate.
 *   nvidia.com/en-us/geforce/products/10series/titan-x-pascal/
 * - Tesla V100 SXM2: 15.7 TFLOP/s fp32, 125 TFLOP/s fp16 tensor (no tf32/bf16), 900 GB/s HBM2.
 *   "NVIDIA Tesla V100 GPU Accelerator" datasheet (tesla-volta-v100-datasheet-letter-fnl-web.pdf).
 * - A100 SXM4 80GB: 19.5 fp32, 156 tf32, 312 bf16/fp16 TFLOP/s; 2,039 GB/s HBM2e.
 *   "NVIDIA A100 Tensor Core GPU" datasheet (nvidia-a100-datasheet-us-nvidia-1758950-r4-web.pdf).
 * - H100 SXM5 80GB: 67 fp32, 494.7 tf32, 989.4 bf16/fp16 TFLOP/s dense (datasheet: 989 / 1,979 with
 *   sparsity); 3.35 TB/s HBM3. "NVIDIA H100 Tensor Core GPU" datasheet and H100 architecture whitepaper, Table 1.
 * - H200 SXM 141GB: the vendor's published specs (not measured here): sm_90 (Hopper GH100 die, 132 SMs as the
 *   H100 SXM5), 141 GB HBM3e at 4.8 TB/s nominal; 67 TFLOP/s fp32, 989 tf32 / 1,979 bf16-fp16 "with
 *   sparsity" = 494.7 / 989.4 dense. "NVIDIA H200 Tensor Core GPU" datasheet (nvidia.com/en-us/data-center/h200/).
 *   A device-to-device copy reaches less than the nominal bandwidth (4.3 TB/s was reported measured
 *   elsewhere); the roofline uses the published figure, labelled as such by `source`.
 */
export const DEVICE_PROFILES: readonly DeviceProfile[] = [
  {
    id: 'titan-x-pascal',
    name: 'NVIDIA TITAN X (Pascal)',
    peakFlops: { fp32: 10.97 * T },
    memoryBandwidth: 480 * GBPS,
    source: 'NVIDIA TITAN X (Pascal) product page: 3584 cores, 1531 MHz boost, 480 GB/s',
  },
  {
    id: 'v100-sxm2',
    name: 'NVIDIA Tesla V100 SXM2',
    peakFlops: { fp32: 15.7 * T, 'fp16-bf16': 125 * T },
    memoryBandwidth: 900 * GBPS,
    source: 'NVIDIA Tesla V100 datasheet (SXM2): fp16 value is fp16 only (no bf16)',
  },
  {
    id: 'a100-sxm4-80gb',
    name: 'NVIDIA A100 SXM4 80GB',
    peakFlops: { fp32: 19.5 * T, tf32: 156 * T, 'fp16-bf16': 312 * T },
    memoryBandwidth: 2039 * GBPS,
    source: 'NVIDIA A100 datasheet (SXM 80GB), dense',
  },
  {
    id: 'h100-sxm',
    name: 'NVIDIA H100 SXM5 80GB',
    peakFlops: { fp32: 67 * T, tf32: 494.7 * T, 'fp16-bf16': 989.4 * T },
    memoryBandwidth: 3350 * GBPS,
    arch: 'sm_90',
    smCount: 132,
    memoryBytes: 80 * GB,
    source:
      "vendor's published specs: NVIDIA H100 datasheet (SXM), sparsity figures halved; H100 whitepaper Table 1; not measured",
  },
  {
    id: 'h200-sxm',
    name: 'NVIDIA H200 SXM 141GB',
    peakFlops: { fp32: 67 * T, tf32: 494.7 * T, 'fp16-bf16': 989.4 * T },
    memoryBandwidth: 4800 * GBPS,
    arch: 'sm_90',
    smCount: 132,
    memoryBytes: 141 * GB,
    source: "vendor's published specs: NVIDIA H200 datasheet (SXM), sparsity figures halved; not measured",
  },
];

export function getDeviceProfile(id: string): DeviceProfile {
  const p = DEVICE_PROFILES.find((d) => d.id === id);
  if (!p) {
    throw new ConfigError(
      `unknown device profile '${id}'`,
      `allowed profiles: ${DEVICE_PROFILES.map((d) => d.id).join(', ')}`,
    );
  }
  return p;
}

/** Peak FLOP/s for a precision; ConfigError naming the supported ones when the device has no such path. */
export function peakFlopsFor(profile: DeviceProfile, precision: Precision): number {
  const peak = profile.peakFlops[precision];
  if (peak === undefined) {
    throw new ConfigError(
      `${profile.name} has no ${precision} peak`,
      `supported on this device: ${Object.keys(profile.peakFlops).join(', ')}`,
    );
  }
  return peak;
}
