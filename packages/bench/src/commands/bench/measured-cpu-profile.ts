import { setTimeout as sleep } from 'node:timers/promises';
import { errorToOneLine } from '@unet3d/core';
import {
  type CpuProfile,
  type MeasureCpuProfileOptions,
  measureCpuProfile,
  measureQuietly,
} from '@unet3d/native';
import type { MeasuredCpuProfile, Quietness } from '@unet3d/results';
import { measuredProcessEnv } from './fixed-threads.js';

/** How the measured roofs were obtained; the report prints it beside the roof. */
export const MEASURED_PROFILE_METHOD = 'measured (FMA loop / copy loop)';

/** A measureCpuProfile() result as the results file records it (pure). */
export function toMeasuredCpuProfile(p: CpuProfile): MeasuredCpuProfile {
  const features: Record<string, string | number | boolean> = {};
  for (const [k, v] of Object.entries(p.features)) {
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') features[k] = v;
  }
  return {
    method: MEASURED_PROFILE_METHOD,
    peakFp32FlopsPerSecond: p.peakFp32FlopsPerSec,
    copyBytesPerSecond: p.bandwidthBytesPerSec.copy,
    readBytesPerSecond: p.bandwidthBytesPerSec.read,
    triadBytesPerSecond: p.bandwidthBytesPerSec.triad,
    bufferBytes: p.bufferBytes,
    threads: p.threads,
    compiler: p.compiler,
    features,
  };
}

/** Options of measureRunCpuProfile (tests shorten the loops and the wait). */
export interface RunCpuProfileOptions {
  /** Passed to measureCpuProfile: loop lengths, buffer size, compiler. */
  readonly profile?: MeasureCpuProfileOptions;
  /** ms to wait before measuring again when the machine was busy (default 5000). */
  readonly retryDelayMs?: number;
  /** Share of the CPUs other work may hold (default: @unet3d/native defaultThresholdShare). */
  readonly thresholdShare?: number;
}

interface Attempt {
  readonly profile: CpuProfile;
  readonly quietness: Quietness | null;
  readonly note: string | null;
}

const busyShare = (a: Attempt): number =>
  a.quietness ? a.quietness.during.otherCpuShare + a.quietness.during.stealShare : 0;

async function attempt(options: RunCpuProfileOptions): Promise<Attempt> {
  const r = await measureQuietly(() => measureCpuProfile(options.profile), {
    pids: [process.pid],
    ...(options.thresholdShare !== undefined ? { thresholdShare: options.thresholdShare } : {}),
  });
  return { profile: r.value, quietness: r.quietness, note: r.note };
}

function recorded(a: Attempt): MeasuredCpuProfile {
  return { ...toMeasuredCpuProfile(a.profile), ...(a.quietness ? { quietness: a.quietness } : {}) };
}

/**
 * Measure this CPU's roofs once for a bench run (in the parent process, after the rows, so the loops do not
 * compete with a measured row), under the same fixed thread environment as the rows (measuredProcessEnv:
 * the loops themselves have no load guard; their thread count is recorded) and a quietness monitor of this
 * process's tree. The loops run synchronously on this thread, so the monitor sees the whole interval, not
 * one-second samples. When other work made the measurement noisy: wait `retryDelayMs` and measure once
 * more; the quieter of the two is recorded, marked noisy if it still is, and the note says what happened.
 * Without a working C compiler: null and a one-line note saying why.
 */
export async function measureRunCpuProfile(options: RunCpuProfileOptions = {}): Promise<{
  measured: MeasuredCpuProfile | null;
  note?: string;
}> {
  // libgomp reads these when the loops' library is first loaded into this process, after this line.
  Object.assign(process.env, measuredProcessEnv());
  try {
    const first = await attempt(options);
    if (first.note) return { measured: recorded(first), note: first.note };
    if (!first.quietness?.noisy) return { measured: recorded(first) };
    const waitMs = options.retryDelayMs ?? 5000;
    await sleep(waitMs);
    const second = await attempt(options);
    const again = `measured again after ${waitMs / 1000} s`;
    if (!second.quietness?.noisy) {
      return {
        measured: recorded(second),
        note: `Measured roofs: the machine was busy at first (${first.quietness.reason}); ${again}, quiet.`,
      };
    }
    const kept = busyShare(second) <= busyShare(first) ? second : first;
    return {
      measured: recorded(kept),
      note:
        `Measured roofs taken on a busy machine: ${first.quietness.reason}; ${again}: ` +
        `${second.quietness.reason}. The ${kept === first ? 'first' : 'second'} (quieter) is recorded, marked noisy.`,
    };
  } catch (err) {
    return { measured: null, note: `CPU profile (peak, bandwidth) not measured: ${errorToOneLine(err)}` };
  }
}
