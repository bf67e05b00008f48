/** What names a machine for results/<device-slug>/. */
export interface DeviceSlugInput {
  readonly kind: 'cpu' | 'cuda';
  /** GPU name or CPU model, e.g. "NVIDIA H100 80GB HBM3", "AMD EPYC 7B13 64-Core Processor". */
  readonly name: string;
  /** Logical cores used (CPU only): the same CPU with another core count is another device. */
  readonly cores?: number | undefined;
}

const NOISE = /\((?:r|tm|c)\)|®|™|\bcpu\b|\bprocessor\b|@.*$|\b\d+-core\b/gi;

/**
 * A stable, filesystem-safe slug for a device: lowercase ASCII letters, digits and single dashes, at most
 * 64 characters. CPUs are prefixed `cpu-` and suffixed with the core count (`-2c`).
 *   deviceSlug({ kind: 'cuda', name: 'NVIDIA H100 80GB HBM3' }) === 'nvidia-h100-80gb-hbm3'
 *   deviceSlug({ kind: 'cpu', name: 'Intel(R) Xeon(R) CPU @ 2.20GHz', cores: 2 }) === 'cpu-intel-xeon-2c'
 */
export function deviceSlug(device: DeviceSlugInput): string {
  const cleaned = (device.kind === 'cpu' ? device.name.replace(NOISE, ' ') : device.name)
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  const base = cleaned || 'unknown';
  if (device.kind === 'cuda') return base.slice(0, 64).replace(/-+$/, '');
  const cores = device.cores !== undefined ? `-${device.cores}c` : '';
  const body = base.startsWith('cpu-') ? base.slice(4) : base;
  return `cpu-${body}`.slice(0, 64 - cores.length).replace(/-+$/, '') + cores;
}
