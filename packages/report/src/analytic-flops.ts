import { CONV_PASSES } from '@unet3d/core';
import {
  convCost,
  DEVICE_PROFILES,
  type DeviceProfile,
  type Precision,
  passBytes,
  peakFlopsFor,
  profileForDeviceName,
  storageOf,
} from '@unet3d/flops';
import { buildNetwork, conv2dMacs, isModelName, MODEL_PRESETS, resnet50Conv2dLayers } from '@unet3d/model';
import type { DeviceInfo } from '@unet3d/results';
import type { AnalyticSource, ConvPassCount, DeviceRoof, NetworkQuery } from './analytic.js';

const PRECISION: Record<NetworkQuery['precision'], Precision> = {
  fp32: 'fp32',
  tf32: 'tf32',
  bf16: 'fp16-bf16',
};

/** The profile a device names explicitly, else one matched by its name (GPUs only). */
export function matchDeviceProfile(device: DeviceInfo): { profile: DeviceProfile; how: string } | null {
  if (device.profile) {
    const p = DEVICE_PROFILES.find((d) => d.id === device.profile);
    if (p) return { profile: p, how: `profile '${p.id}' named in the results file` };
  }
  if (device.kind !== 'cuda') return null;
  const p = profileForDeviceName(device.gpuName ?? device.name);
  return p ? { profile: p, how: `matched by device name '${device.gpuName ?? device.name}'` } : null;
}

/**
 * A CPU run's roof from the profile measured at bench time (fp32 FMA-loop peak, copy-loop bandwidth), when
 * the results file has one and the run is fp32; the printed label says it was measured and how.
 */
export function measuredCpuRoof(device: DeviceInfo, precision: NetworkQuery['precision']): DeviceRoof | null {
  const m = device.measured;
  if (device.kind !== 'cpu' || !m || precision !== 'fp32') return null;
  return {
    id: 'measured-cpu',
    name: `${device.name}, ${m.method}`,
    matchedBy: `${m.method}: ${m.threads} threads, ${m.compiler.split('\n')[0]}`,
    peakFlopPerSecond: m.peakFp32FlopsPerSecond,
    bandwidthBytesPerSecond: m.copyBytesPerSecond,
  };
}

function convCounts(query: NetworkQuery): ConvPassCount[] | null {
  if (!isModelName(query.model) || MODEL_PRESETS[query.model].strided !== query.strided) return null;
  let network: ReturnType<typeof buildNetwork>;
  try {
    network = buildNetwork({
      model: query.model,
      channels: query.channels,
      input: query.patch,
      batch: query.batch,
    });
  } catch {
    return null;
  }
  const storage = storageOf(PRECISION[query.precision]);
  const out: ConvPassCount[] = [];
  for (const layer of network.layers) {
    if (layer.kind !== 'conv') continue;
    const cost = convCost(layer.workload);
    for (const pass of CONV_PASSES) {
      out.push({ layer: layer.name, pass, macs: cost[pass].macs, bytes: passBytes(cost[pass], storage) });
    }
  }
  return out;
}

/** Counts from @unet3d/model's networks and @unet3d/flops' formulas; roofs from its device profiles. */
export function flopsAnalytic(): AnalyticSource {
  const cache = new Map<string, ConvPassCount[] | null>();
  return {
    description: '@unet3d/flops (conv MACs per pass; fewest bytes per pass) on @unet3d/model networks',
    convCounts(query) {
      const key = JSON.stringify(query);
      if (!cache.has(key)) cache.set(key, convCounts(query));
      return cache.get(key) ?? null;
    },
    resnet50Forward: () => resnet50Conv2dLayers().map((l) => ({ layer: l.name, macs: conv2dMacs(l) })),
    deviceRoof(device, precision): DeviceRoof | null {
      const measured = measuredCpuRoof(device, precision);
      if (measured) return measured;
      const match = matchDeviceProfile(device);
      if (!match) return null;
      try {
        return {
          id: match.profile.id,
          name: match.profile.name,
          matchedBy: match.how,
          peakFlopPerSecond: peakFlopsFor(match.profile, PRECISION[precision]),
          bandwidthBytesPerSecond: match.profile.memoryBandwidth,
        };
      } catch {
        return null;
      }
    },
  };
}
