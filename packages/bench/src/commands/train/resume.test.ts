/**
 * The train CLI as a user runs it: a child process is SIGKILLed after a checkpoint is written; a second run
 * resumes from that checkpoint and ends with exactly the weights of an uninterrupted run. Corrupt and
 * mismatched checkpoints give one clear line and exit 1.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readCheckpoint } from '@unet3d/train';
import { describe, expect, it } from 'vitest';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../../../../..');
const bin = join(repo, 'packages/bench/src/bin.ts');

function start(args: readonly string[]): ChildProcess {
  return spawn(process.execPath, ['--conditions=@unet3d/source', '--import', 'tsx', bin, ...args], {
    cwd: repo,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

async function finish(
  child: ChildProcess,
  onLine?: (line: string) => void,
): Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  let pending = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    stdout += chunk;
    pending += chunk;
    const lines = pending.split('\n');
    pending = lines.pop()!;
    for (const l of lines) onLine?.(l);
  });
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk;
  });
  return new Promise((done) => child.on('close', (code, signal) => done({ code, signal, stdout, stderr })));
}

const dir = mkdtempSync(join(tmpdir(), 'unet3d-train-'));
const trainArgs = (checkpoint: string, iterations: number, channels = '2,2,2,2,2') => [
  'train',
  ...['--backend', 'onnxruntime', '--model', 'strided', '--channels', channels, '--input', '16,64,64'],
  ...[
    '--seed',
    '5',
    '--iterations',
    String(iterations),
    '--checkpoint-every',
    '1',
    '--checkpoint',
    checkpoint,
  ],
];

describe('train CLI', () => {
  it('resumes after SIGKILL from the last complete checkpoint, matching an uninterrupted run', async () => {
    const reference = join(dir, 'reference.ckpt');
    const straight = await finish(start(trainArgs(reference, 4)));
    expect(straight.stderr).toBe('');
    expect(straight.code).toBe(0);
    expect(straight.stdout.match(/^iter \d\/4 loss=\d+\.\d+ acc=\d+\.\d+% time=\d+ms$/gm)).toHaveLength(4);

    const path = join(dir, 'killed.ckpt');
    const child = start(trainArgs(path, 4));
    const killed = await finish(child, (line) => {
      if (/written at iteration 2$/.test(line)) child.kill('SIGKILL');
    });
    expect(killed.signal).toBe('SIGKILL');
    const saved = readCheckpoint(path)!; // complete and valid, whatever moment the kill hit
    expect(saved.iteration).toBeGreaterThanOrEqual(2);
    expect(saved.iteration).toBeLessThan(4);

    const resumed = await finish(start(trainArgs(path, 4)));
    expect(resumed.code).toBe(0);
    expect(resumed.stdout).toContain(`resumed from ${path} at iteration ${saved.iteration}`);
    expect(resumed.stdout).not.toMatch(new RegExp(`^iter ${saved.iteration}/4`, 'm'));
    expect(resumed.stdout).toMatch(/^iter 4\/4 /m);

    const a = readCheckpoint(reference)!;
    const b = readCheckpoint(path)!;
    expect(b.iteration).toBe(4);
    expect(b.state.tensors.map((t) => t.name)).toEqual(a.state.tensors.map((t) => t.name));
    for (const [i, t] of b.state.tensors.entries())
      expect([...t.data], t.name).toEqual([...a.state.tensors[i]!.data]);
  });

  it('a corrupt or mismatched checkpoint exits 1 with one line', async () => {
    const corrupt = join(dir, 'corrupt.ckpt');
    writeFileSync(corrupt, 'U3DCKPT\n garbage garbage garbage garbage garbage garbage garbage');
    const r = await finish(start(trainArgs(corrupt, 2)));
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/checkpoint .*corrupt \(checksum mismatch\)/);

    const reference = join(dir, 'reference.ckpt');
    const m = await finish(start(trainArgs(reference, 5, '2,2,2,2,3')));
    expect(m.code).toBe(1);
    expect(m.stderr.trim().split('\n')).toHaveLength(1);
    expect(m.stderr).toMatch(/another configuration \(channels=\[2,2,2,2,2\]; now channels=\[2,2,2,2,3\]\)/);
  });
});
