import { dirname, resolve } from 'node:path';
import { ConfigError } from '@unet3d/core';
import { detectCpuFeatures } from '@unet3d/native';
import { type BenchRun, identityDifferences, loadResults } from '@unet3d/results';
import { MISSING_REASONS } from './assemble-run.js';
import { hostInfo } from './provenance.js';
import type { BenchOptions } from './run-plan.js';

/** The options that decide what a row measures, with their flags: `--resume` takes them from the file. */
export const RUN_SETTING_FLAGS = {
  backends: '--backends',
  rows: '--rows',
  quick: '--quick',
  input: '--input',
  batch: '--batch',
  iterations: '--iterations',
  warmup: '--warmup',
  profileIterations: '--profile-iterations',
  math: '--math',
  seed: '--seed',
} as const satisfies Partial<Record<keyof BenchOptions, string>>;

type SettingKey = keyof typeof RUN_SETTING_FLAGS;

function show(value: unknown): string {
  if (value === undefined) return "the device's default";
  if (Array.isArray(value)) return value.join(',');
  return String(value);
}

/** The rows of a results file that `--resume` measures: not run because the run stopped before them. */
export function missingRowIds(run: BenchRun): string[] {
  return run.rows
    .filter((r) => r.status === 'not-run' && MISSING_REASONS.includes(r.reason ?? ''))
    .map((r) => r.id);
}

export interface ResumePlan {
  readonly run: BenchRun;
  readonly path: string;
  /** The options of the run in the file, with this invocation's own ones (timeout, report, json…). */
  readonly options: BenchOptions;
}

/**
 * Read the results file to resume and the settings it was started with (provenance.bench, patch, batch,
 * precision, seed). A setting also given on this command line must equal the file's, and the run must be
 * resumed on the host that started it; otherwise ConfigError, one line naming the conflict.
 * The results root is `--results` when given, else the folder above the file's device folder.
 */
export async function planResume(
  file: string,
  opts: BenchOptions,
  given: ReadonlySet<string>,
): Promise<ResumePlan> {
  const run = await loadResults(file);
  const p = run.provenance;
  const settings = p.bench;
  if (!settings) {
    throw new ConfigError(
      `--resume ${file}: the file records no bench settings (written before --resume existed)`,
      'start a new run instead',
    );
  }
  const host = hostInfo();
  if (p.host.cpuModel !== host.cpuModel || p.host.cores !== host.cores) {
    throw new ConfigError(
      `--resume ${file}: the run started on '${p.host.cpuModel}' (${p.host.cores} cores), this is '${host.cpuModel}' (${host.cores} cores)`,
      'resume on the machine that started it, or start a new run here',
    );
  }
  const recorded = p.device.identity;
  if (recorded?.kind === 'cpu') {
    const differences = identityDifferences(recorded, detectCpuFeatures().identity);
    if (differences.length > 0) {
      throw new ConfigError(
        `--resume ${file}: the run started on another CPU: ${differences.join('; ').replaceAll('in the baseline', 'in that run')}`,
        'resume on the machine that started it (with the same UNET3D_CPU_FEATURES), or start a new run here',
      );
    }
  }
  const counts = settings.counts ?? settings.requested;
  const fromFile: Pick<BenchOptions, SettingKey> = {
    backends: settings.backends,
    rows: settings.rows,
    quick: settings.quick,
    input: [...p.patch],
    batch: p.batch,
    iterations: counts.iterations,
    warmup: counts.warmupIterations,
    profileIterations: counts.profileIterations,
    math: p.precision,
    seed: p.timing.seed ?? 0,
  };
  for (const key of Object.keys(RUN_SETTING_FLAGS) as SettingKey[]) {
    if (!given.has(key)) continue;
    if (JSON.stringify(opts[key]) !== JSON.stringify(fromFile[key])) {
      throw new ConfigError(
        `--resume ${file}: ${RUN_SETTING_FLAGS[key]} ${show(opts[key])} conflicts with the run's ${show(fromFile[key])}`,
        `leave ${RUN_SETTING_FLAGS[key]} out to finish the run as it started, or start a new run without --resume`,
      );
    }
  }
  const options: BenchOptions = {
    ...opts,
    ...fromFile,
    results: given.has('results') ? opts.results : dirname(dirname(resolve(file))),
  };
  return { run, path: file, options };
}
