/**
 * Where tuning logs live, and whose they are: `<resultsRoot>/tuning/<slug>/*.jsonl`, one folder per device
 * identity (the CPU's `identitySlug`, e.g. `cpu-amd-zen4-avx512-2c`; a GPU's name). The one finder of the
 * `tvm-cpu` backend, `unet3d tune`, the bench's pre-tune and the report; it reads folders only (no compiler,
 * no device), so the CLI imports it as `@unet3d/backend-tvm/tuning-logs` without the backend.
 * Folders from before identities are named after the CPU's model name (`cpu-amd-epyc-2c`): they are another
 * identity whose microarchitecture and ISA are unknown.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '@unet3d/core';
import { type CpuIdentity, cpuIdentityFromSlug, identityDistance, identitySlug } from '@unet3d/results';

/** Where a device identity's tuning logs live: `<resultsRoot>/tuning/<slug>/`. */
export function cpuTuningDir(resultsRoot: string, slug: string): string {
  return join(resultsRoot, 'tuning', slug);
}

/** The tuning logs in a folder (`*.jsonl`; the `.best.jsonl` summaries older tunes wrote excluded), sorted. */
export function tuningLogsIn(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((n) => n.endsWith('.jsonl') && !n.endsWith('.best.jsonl'))
    .sort()
    .map((n) => join(dir, n));
}

/** The tuning logs of one identity (`slug`) under `resultsRoot`; [] when it has none. */
export function tuningLogsOf(resultsRoot: string, slug: string): string[] {
  return tuningLogsIn(cpuTuningDir(resultsRoot, slug));
}

const VENDORS = ['amd', 'intel', 'hygon', 'apple', 'ampere', 'arm'];

/**
 * The CPU identity a tuning folder names: its slug parsed (cpuIdentityFromSlug), or for a folder named after
 * a model name (`cpu-amd-epyc-2c`) a legacy identity: the vendor when the name says it, the core count,
 * ISA and microarchitecture unknown ('none', null), so that it is far from every measured identity.
 * Undefined for a folder that is not a CPU's.
 */
export function tuningFolderIdentity(slug: string): CpuIdentity | undefined {
  const parsed = cpuIdentityFromSlug(slug);
  if (parsed) return parsed;
  if (!slug.startsWith('cpu-')) return undefined;
  const tokens = slug.split('-');
  const cores = /-(\d+)c$/.exec(slug);
  return {
    kind: 'cpu',
    vendor: VENDORS.find((v) => tokens.includes(v)) ?? 'unknown',
    microarch: null,
    family: null,
    model: null,
    isa: 'none',
    cores: cores ? Math.max(1, Number(cores[1])) : 1,
    modelName: slug,
  };
}

export interface TuningFolder {
  readonly slug: string;
  readonly identity: CpuIdentity;
  readonly logs: string[];
}

/** Every CPU identity with tuning logs under `resultsRoot`, by slug. */
export function cpuTuningFolders(resultsRoot: string): TuningFolder[] {
  const root = join(resultsRoot, 'tuning');
  if (!existsSync(root)) return [];
  return readdirSync(root)
    .sort()
    .flatMap((slug) => {
      const identity = tuningFolderIdentity(slug);
      const logs = identity ? tuningLogsIn(join(root, slug)) : [];
      return identity && logs.length > 0 ? [{ slug, identity, logs }] : [];
    });
}

/**
 * The identity under `resultsRoot` nearest to `here` (identityDistance) that has tuning logs, other than
 * `here` itself unless `includeSelf`; ties by slug. For transfer only: its records may seed a tune of `here`,
 * and are applied by the backend only when named (`--tuning-from`).
 */
export function nearestCpuWithLogs(
  resultsRoot: string,
  here: CpuIdentity,
  options: { includeSelf?: boolean } = {},
): (TuningFolder & { distance: number }) | undefined {
  const self = identitySlug(here);
  return cpuTuningFolders(resultsRoot)
    .filter((f) => options.includeSelf || f.slug !== self)
    .map((f) => ({ ...f, distance: identityDistance(here, f.identity) }))
    .sort((a, b) => a.distance - b.distance || a.slug.localeCompare(b.slug))[0];
}

/**
 * The logs of the identity named by `--tuning-from <slug>`. Throws a one-line ConfigError naming the
 * identities that have logs when that one has none.
 */
export function tuningFromLogs(resultsRoot: string, slug: string): string[] {
  const logs = tuningLogsOf(resultsRoot, slug);
  if (logs.length > 0) return logs;
  const have = cpuTuningFolders(resultsRoot).map((f) => f.slug);
  throw new ConfigError(
    `--tuning-from ${slug}: no tuning log in ${cpuTuningDir(resultsRoot, slug)}`,
    have.length > 0
      ? `name one of: ${have.join(', ')}`
      : `no CPU has tuning logs under ${join(resultsRoot, 'tuning')}; run \`unet3d tune --target cpu\` first`,
  );
}
