import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PeerTimingInput } from '@unet3d/results';
import { execa } from 'execa';

/** The schema of the PyTorch peer's JSON lines (scripts/pytorch-peer/README.md). */
export const PEER_SCHEMA = 'unet3d-pytorch-peer/1';

/**
 * Where the PyTorch peer's script is: $UNET3D_PEER_SCRIPT, else scripts/pytorch-peer/train_step.py of the
 * checkout this file is in (source or dist), else pytorch-peer/train_step.py beside the offline bundle's
 * unet3d.mjs, else under the current folder. Undefined when none exists.
 */
export function findPeerScript(): string | undefined {
  const candidates = [
    process.env['UNET3D_PEER_SCRIPT'],
    fileURLToPath(new URL('../../../../../scripts/pytorch-peer/train_step.py', import.meta.url)),
    fileURLToPath(new URL('./pytorch-peer/train_step.py', import.meta.url)),
    join(process.cwd(), 'scripts', 'pytorch-peer', 'train_step.py'),
  ];
  return candidates.find((p): p is string => p !== undefined && p !== '' && existsSync(p));
}

/** One row for the peer: the same network, patch, batch, math mode, threads and iteration counts as ours. */
export interface PeerRowSpec {
  readonly model: string;
  readonly device: 'cpu' | 'cuda';
  readonly mathMode: string;
  readonly patch: readonly [number, number, number];
  readonly batch: number;
  /** CPU intra-op threads (torch.set_num_threads); ignored on a GPU. */
  readonly threads: number;
  readonly warmupIterations: number;
  readonly iterations: number;
  readonly seed: number;
}

/** The train_step.py arguments for `spec` (one model, one math mode). */
export function peerArgs(script: string, spec: PeerRowSpec): string[] {
  return [
    script,
    '--device',
    spec.device,
    ...(spec.device === 'cpu' ? ['--threads', String(spec.threads)] : []),
    '--model',
    spec.model,
    '--math',
    spec.mathMode,
    '--patch',
    spec.patch.join(','),
    '--batch',
    String(spec.batch),
    '--warmup',
    String(spec.warmupIterations),
    '--iters',
    String(spec.iterations),
    '--seed',
    String(spec.seed),
  ];
}

/**
 * The results file's `peer` field from the peer's stdout (its last JSON line of schema PEER_SCHEMA).
 * Throws an Error of one line when there is none or it lacks samples.
 */
export function parsePeerOutput(stdout: string, torchVersion: string): PeerTimingInput {
  const line = stdout
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.startsWith('{') && l.includes(PEER_SCHEMA))
    .at(-1);
  if (!line) throw new Error(`the peer printed no ${PEER_SCHEMA} line`);
  const o = JSON.parse(line) as Record<string, unknown>;
  const samples = o['samplesMs'];
  if (!Array.isArray(samples) || samples.length === 0 || !samples.every((s) => typeof s === 'number')) {
    throw new Error('the peer reported no timed samples');
  }
  const { samplesMs: _s, medianMs: _m, schema: _x, ...details } = o;
  const count = (v: unknown, fallback: number) =>
    Number.isInteger(v) && (v as number) >= 0 ? (v as number) : fallback;
  return {
    implementation: 'pytorch',
    version: typeof o['torchVersion'] === 'string' ? o['torchVersion'] : torchVersion,
    device: o['device'] === 'cuda' ? 'cuda' : 'cpu',
    deviceName: String(o['deviceName'] ?? o['device'] ?? 'unknown'),
    threads: count(o['threads'], 0) || 1,
    mathMode: String(o['mathMode'] ?? 'fp32'),
    warmupIterations: count(o['warmup'], 0),
    samplesMs: samples as number[],
    // Recomputed by the caller from the samples (the results loader checks it against them).
    medianMs: 0,
    details,
  };
}

/** Run the peer for one row; resolves to its timing or rejects with a one-line Error. */
export async function runPeerRow(
  python: string,
  script: string,
  torchVersion: string,
  spec: PeerRowSpec,
  timeoutMs: number,
): Promise<PeerTimingInput> {
  const r = await execa(python, peerArgs(script, spec), {
    reject: false,
    timeout: timeoutMs,
    stdin: 'ignore',
    maxBuffer: 16 * 1024 * 1024,
  });
  if (r.timedOut) throw new Error(`timed out after ${Math.round(timeoutMs / 1000)} s`);
  if (r.exitCode !== 0) {
    const last = String(r.stderr).trim().split('\n').at(-1) ?? '';
    throw new Error(`exit ${r.exitCode ?? r.signal}: ${last.slice(0, 300) || r.shortMessage}`);
  }
  return parsePeerOutput(String(r.stdout), torchVersion);
}
