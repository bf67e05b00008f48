import { DEVICE_PROFILES, type DeviceProfile } from './device-profiles.js';

/**
 * Which profile a GPU's own name (as the driver reports it: `nvidia-smi --query-gpu=name`, cuDeviceGetName)
 * picks. The form factor matters, not only the chip: an H100 PCIe (51 TFLOP/s fp32, 2.0 TB/s) or NVL is not
 * the SXM part profiled here, so those names match nothing rather than the wrong roof. Names as the driver
 * prints them: 'NVIDIA H100 80GB HBM3' (SXM5), 'NVIDIA H100 PCIe', 'NVIDIA H100 NVL', 'NVIDIA H200' (SXM),
 * 'NVIDIA H200 NVL', 'NVIDIA A100-SXM4-80GB', 'Tesla V100-SXM2-32GB', 'NVIDIA TITAN X (Pascal)'.
 */
const NAME_RULES: readonly { readonly id: string; readonly match: RegExp; readonly unless?: RegExp }[] = [
  { id: 'h200-sxm', match: /\bH200\b/i, unless: /\bNVL\b|\bPCIe\b/i },
  { id: 'h100-sxm', match: /\bH100\b/i, unless: /\bNVL\b|\bPCIe\b/i },
  { id: 'a100-sxm4-80gb', match: /\bA100\b.*\bSXM4?\b.*\b80\s?GB\b/i },
  { id: 'v100-sxm2', match: /\bV100\b.*\bSXM2\b/i },
  { id: 'titan-x-pascal', match: /\bTITAN X \(Pascal\)/i },
];

/** The profile of the GPU named `name` (see NAME_RULES), or undefined when none fits it. */
export function profileForDeviceName(name: string): DeviceProfile | undefined {
  const rule = NAME_RULES.find((r) => r.match.test(name) && !r.unless?.test(name));
  return rule ? DEVICE_PROFILES.find((p) => p.id === rule.id) : undefined;
}
