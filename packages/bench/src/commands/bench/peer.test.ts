import { execFile, execFileSync } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { loadResults, median } from '@unet3d/results';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findPeerPython, probeTorch } from './peer-python.js';
import { findPeerScript, PEER_SCHEMA, parsePeerOutput, peerArgs } from './peer-run.js';

const run = promisify(execFile);
const repo = fileURLToPath(new URL('../../../../../', import.meta.url));
const cli = ['--conditions=@unet3d/source', '--import', 'tsx', 'packages/bench/src/bin.ts'];

/** Debian's python3-torch on the CI image; the end-to-end test needs a Python that imports torch. */
const SYSTEM_PYTHON = '/usr/bin/python3';
function hasTorch(python: string): boolean {
  try {
    execFileSync(python, ['-c', 'import torch'], { stdio: 'ignore', timeout: 120_000 });
    return true;
  } catch {
    return false;
  }
}

describe('the PyTorch peer of a row', () => {
  it('asks train_step.py for the same model, patch, batch, math, threads and counts', () => {
    const spec = {
      model: 'strided',
      device: 'cpu' as const,
      mathMode: 'fp32',
      patch: [16, 32, 32] as const,
      batch: 2,
      threads: 3,
      warmupIterations: 1,
      iterations: 4,
      seed: 7,
    };
    expect(peerArgs('t.py', spec)).toEqual(
      't.py --device cpu --threads 3 --model strided --math fp32 --patch 16,32,32 --batch 2 --warmup 1 --iters 4 --seed 7'.split(
        ' ',
      ),
    );
    expect(peerArgs('t.py', { ...spec, device: 'cuda', mathMode: 'tf32' })).not.toContain('--threads');
    expect(findPeerScript()).toBe(join(repo, 'scripts/pytorch-peer/train_step.py'));
  });

  it("reads the peer's last JSON line; refuses output without samples", () => {
    const line = JSON.stringify({
      schema: PEER_SCHEMA,
      model: 'scaled',
      mathMode: 'fp32',
      device: 'cpu',
      deviceName: 'AMD EPYC',
      threads: 2,
      samplesMs: [5, 3, 4],
      medianMs: 4,
      warmup: 1,
      torchVersion: '2.11.0',
      parameters: 123,
    });
    const p = parsePeerOutput(`noise\n${line}\n`, '1.0');
    expect(p).toMatchObject({ version: '2.11.0', device: 'cpu', threads: 2, warmupIterations: 1 });
    expect(p.samplesMs).toEqual([5, 3, 4]);
    expect(p.details).toMatchObject({ model: 'scaled', parameters: 123 });
    expect(p.details).not.toHaveProperty('samplesMs');
    expect(() => parsePeerOutput('train_step.py: no CUDA\n', '1.0')).toThrow(
      /printed no unet3d-pytorch-peer\/1 line/,
    );
    expect(() => parsePeerOutput(JSON.stringify({ schema: PEER_SCHEMA, samplesMs: [] }), '1.0')).toThrow(
      /no timed samples/,
    );
  });

  it('an interpreter that cannot import torch is named with why; --python without torch is one ConfigError line', async () => {
    const r = await probeTorch(process.execPath); // node, not python: `-c` is no option of node
    expect(r).toHaveProperty('reason');
    await expect(findPeerPython(process.execPath)).rejects.toThrow(/--python .* cannot import torch/);
  });
});

describe.skipIf(!hasTorch(SYSTEM_PYTHON))('unet3d bench --peer (real PyTorch on the CPU)', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'unet3d-peer-test-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('times the peer right after the row, same counts and threads, and stores its raw samples', async () => {
    await run(
      process.execPath,
      [
        ...cli,
        'bench',
        '--peer',
        '--python',
        SYSTEM_PYTHON,
        '--backends',
        'onnxruntime',
        '--rows',
        'strided-cudnn',
        '--input',
        '16,32,32',
        '--batch',
        '2',
        '--iterations',
        '2',
        '--warmup',
        '0',
        '--profile-iterations',
        '0',
        '--no-report',
        '--results',
        dir,
      ],
      { cwd: repo, maxBuffer: 1 << 24 },
    );
    const [slug] = await readdir(dir);
    const [file] = (await readdir(join(dir, slug!))).filter((f) => f.endsWith('.json'));
    const results = await loadResults(join(dir, slug!, file!)); // checks peer.medianMs against its samples
    const row = results.rows[0]!;
    expect(row.status).toBe('ok');
    expect(row.peer).toBeDefined();
    const peer = row.peer!;
    expect(peer).toMatchObject({
      implementation: 'pytorch',
      device: 'cpu',
      mathMode: 'fp32',
      warmupIterations: 0,
    });
    expect(peer.threads).toBe(availableParallelism());
    expect(peer.samplesMs).toHaveLength(2);
    expect(peer.medianMs).toBe(median(peer.samplesMs));
    expect(peer.samplesMs.every((s) => s > 0)).toBe(true);
    expect(peer.details).toMatchObject({ model: 'strided', patch: [16, 32, 32], batch: 2 });
    expect(results.provenance.notes.some((n) => n.startsWith('PyTorch peer: torch '))).toBe(true);
  }, 600_000);
});
