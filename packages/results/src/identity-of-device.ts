import {
  type CpuIdentity,
  cpuVendor,
  type DeviceIdentity,
  type IsaLevel,
  identitySlug,
} from './device-identity.js';
import { deviceSlug } from './device-slug.js';
import type { DeviceInfo } from './provenance-schema.js';

type DeviceInfoInput = Omit<DeviceInfo, 'details'> & { details?: DeviceInfo['details'] };

/** The ISA level recorded features imply (the measured profile's `features`), or null when none were recorded. */
function isaFromRecordedFeatures(features: Record<string, unknown> | undefined): IsaLevel | null {
  if (!features) return null;
  if (features['neon'] === true) return 'neon';
  if (features['avx512f'] === true) return features['amx'] === true ? 'amx' : 'avx512';
  if (features['avx2'] === true) return 'avx2';
  if (features['avx2'] === false) return 'sse';
  return null;
}

/**
 * The identity of the device a results file measured: the recorded one, else (a file from before identities)
 * what the rest of it shows: vendor from the name, ISA level from the measured profile's features ('none'
 * when nothing was recorded), no microarchitecture. Such a legacy identity matches only another legacy one
 * of the same vendor, ISA and cores (see identityDifferences).
 */
export function identityOfDevice(device: DeviceInfoInput): DeviceIdentity {
  if (device.identity) return device.identity;
  if (device.kind === 'cuda') {
    return {
      kind: 'cuda',
      name: device.gpuName ?? device.name,
      sm: device.computeCapability,
      memoryBytes: device.memoryBytes,
      driver: device.driverVersion,
    };
  }
  const legacy: CpuIdentity = {
    kind: 'cpu',
    vendor: cpuVendor(undefined, device.name),
    microarch: null,
    family: null,
    model: null,
    isa: isaFromRecordedFeatures(device.measured?.features) ?? 'none',
    cores: device.cores ?? 1,
    modelName: device.name,
  };
  return legacy;
}

/** The results folder of a device: its identity's slug when recorded, else the name-based slug of older files. */
export function deviceFolderSlug(device: Pick<DeviceInfo, 'kind' | 'name' | 'cores' | 'identity'>): string {
  return device.identity
    ? identitySlug(device.identity)
    : deviceSlug({ kind: device.kind, name: device.name, cores: device.cores ?? undefined });
}
