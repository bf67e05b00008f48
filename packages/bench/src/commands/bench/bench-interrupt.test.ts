import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BenchRun, loadResults } from '@unet3d/results';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const repo = fileURLToPath(new URL('../../../../../', import.meta.url));
const cli = ['--conditions=@unet3d/source', '--import', 'tsx', 'packages/bench/src/bin.ts'];

/** A run long enough to interrupt mid-row: two rows on onnxruntime at 16×64×64, 2 timed iterations. */
const ISSUE_ARGS = [
  'bench',
  '--backends',
  'onnxruntime',
  '--rows',
  'strided-cudnn,scaled-cudnn',
  '--input',
  '16,64,64',
  '--iterations',
  '2',
  '--warmup',
  '0',
  '--profile-iterations',
  '0',
  '--no-report',
];

interface Running {
  readonly child: ChildProcess;
  /** stderr so far. */
  stderr(): string;
  stdout(): string;
  /** Resolves when stderr matches `pattern` (rejects if the process ends first). */
  waitFor(pattern: RegExp): Promise<void>;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Start the CLI in its own process group (as a shell starts a job), with its temp folder `tmp`. */
function start(args: string[], tmp: string): Running {
  const child = spawn(process.execPath, [...cli, ...args], {
    cwd: repo,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, TMPDIR: tmp },
  });
  let err = '';
  let out = '';
  const watchers: { pattern: RegExp; resolve: () => void }[] = [];
  child.stdout?.on('data', (d: Buffer) => {
    out += d.toString();
  });
  child.stderr?.on('data', (d: Buffer) => {
    err += d.toString();
    for (const w of [...watchers]) {
      if (w.pattern.test(err)) {
        watchers.splice(watchers.indexOf(w), 1);
        w.resolve();
      }
    }
  });
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal })),
  );
  return {
    child,
    stderr: () => err,
    stdout: () => out,
    exit,
    waitFor: (pattern) =>
      new Promise<void>((resolve, reject) => {
        if (pattern.test(err)) return resolve();
        watchers.push({ pattern, resolve });
        void exit.then(() => reject(new Error(`ended before stderr matched ${pattern}:\n${err}`)));
      }),
  };
}

async function rowFolders(tmp: string): Promise<string[]> {
  return (await readdir(tmp)).filter((n) => n.startsWith('unet3d-row-'));
}

async function onlyResultsFile(root: string): Promise<string> {
  const [slug, ...more] = await readdir(root);
  expect(more).toEqual([]);
  const files = (await readdir(join(root, slug!))).filter((f) => !f.startsWith('.'));
  expect(files).toHaveLength(1);
  return join(root, slug!, files[0]!);
}

function statuses(run: BenchRun): string[] {
  return run.rows.map((r) => `${r.id}:${r.status}${r.reason ? `:${r.reason}` : ''}:${r.samplesMs.length}`);
}

/** The pids of a process's children running the hidden `bench-row` command (Linux /proc). */
async function rowChildPids(pid: number): Promise<number[]> {
  const tasks = await readdir(`/proc/${pid}/task`).catch(() => [] as string[]);
  const out: number[] = [];
  for (const t of tasks) {
    const text = await readFile(`/proc/${pid}/task/${t}/children`, 'utf8').catch(() => '');
    for (const child of text.split(/\s+/).filter(Boolean).map(Number)) {
      const cmdline = await readFile(`/proc/${child}/cmdline`, 'utf8').catch(() => '');
      if (cmdline.split('\0').includes('bench-row')) out.push(child);
    }
  }
  return out;
}

/** Whether a process still runs (a zombie waiting for a reaper counts as ended). */
async function alive(pid: number): Promise<boolean> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => null);
  return stat !== null && !/^\d+ \(.*\) Z/.test(stat);
}

/**
 * Whether `cond` holds within `ms`, polled every 100 ms. The waits below are bounds for what never happens
 * (a row child that is not started, or not stopped), not speed goals: a row child loads its modules first,
 * which on a loaded 2-core machine takes many times as long as on a quiet one.
 */
async function until(cond: () => boolean | Promise<boolean>, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await cond()) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return cond();
}

// POSIX signals and process groups; the SIGKILL case reads /proc (Linux).
describe.skipIf(process.platform === 'win32')('a stopped bench keeps what it measured', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'unet3d-interrupt-test-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('SIGINT to the process group after the first row: that row ok (2 samples), the other not-run "interrupted", exit 130, no temp folders; --resume then measures only the missing row', async () => {
    const tmp = join(dir, 'tmp-int');
    const results = join(dir, 'int');
    await mkdir(tmp);
    const bench = start([...ISSUE_ARGS, '--results', results], tmp);
    await bench.waitFor(/strided-cudnn: ok/);
    process.kill(-bench.child.pid!, 'SIGINT');
    const { code } = await bench.exit;
    expect(code).toBe(130);
    expect(await rowFolders(tmp)).toEqual([]);
    const file = await onlyResultsFile(results);
    const stopped = await loadResults(file);
    expect(statuses(stopped)).toEqual(['strided-cudnn:ok:2', 'scaled-cudnn:not-run:interrupted:0']);
    expect(stopped.provenance.timing.iterations).toBe(2);
    expect(stopped.provenance.notes.some((n) => /^Interrupted by SIGINT/.test(n))).toBe(true);
    expect(bench.stderr()).toContain(`--resume ${file}`);

    // A setting that differs from the file's is refused in one line, before anything runs.
    const conflict = start(['bench', '--resume', file, '--iterations', '3'], tmp);
    expect((await conflict.exit).code).toBe(1);
    expect(conflict.stderr().trim().split('\n')).toHaveLength(1);
    expect(conflict.stderr()).toMatch(/--iterations 3 conflicts with the run's 2/);

    const resumed = start(['bench', '--resume', file, '--json'], tmp);
    const r = await resumed.exit;
    expect(r.code).toBe(0);
    const summary = JSON.parse(resumed.stdout()) as {
      results: string;
      rows: { id: string; samples: number }[];
    };
    expect(summary.results).toBe(file);
    expect(summary.rows.map((x) => `${x.id}:${x.samples}`)).toEqual(['strided-cudnn:2', 'scaled-cudnn:2']);
    // Only the missing row ran: one row started, and the first row's samples are the ones measured before.
    expect(resumed.stderr()).not.toMatch(/strided-cudnn \(onnxruntime\): starting/);
    expect(resumed.stderr()).toMatch(/scaled-cudnn \(onnxruntime\): starting/);
    const done = await loadResults(file);
    expect(statuses(done)).toEqual(['strided-cudnn:ok:2', 'scaled-cudnn:ok:2']);
    expect(done.rows[0]?.samplesMs).toEqual(stopped.rows[0]?.samplesMs);
    expect(done.provenance.date).toBe(stopped.provenance.date);
    expect(done.provenance.notes.some((n) => /^Interrupted by/.test(n))).toBe(false);
    expect(done.provenance.notes.some((n) => /^Resumed .*rows scaled-cudnn measured then/.test(n))).toBe(
      true,
    );
    expect(existsSync(join(results, 'report'))).toBe(false);
    expect(await rowFolders(tmp)).toEqual([]);
  }, 900_000);

  it('SIGTERM during the first row: every row not-run "interrupted", a valid file, exit 143, no temp folders', async () => {
    const tmp = join(dir, 'tmp-term');
    const results = join(dir, 'term');
    await mkdir(tmp);
    const bench = start([...ISSUE_ARGS, '--results', results], tmp);
    await bench.waitFor(/strided-cudnn \(onnxruntime\): starting/);
    expect(await until(async () => (await rowFolders(tmp)).length === 1, 60_000)).toBe(true);
    process.kill(bench.child.pid!, 'SIGTERM'); // the bench alone: it stops its child itself
    const { code } = await bench.exit;
    expect(code).toBe(143);
    expect(await rowFolders(tmp)).toEqual([]);
    const run = await loadResults(await onlyResultsFile(results));
    expect(statuses(run)).toEqual([
      'strided-cudnn:not-run:interrupted:0',
      'scaled-cudnn:not-run:interrupted:0',
    ]);
  }, 300_000);

  it.skipIf(process.platform !== 'linux')(
    'a bench killed with SIGKILL takes its row child with it, and the child removes its job folder',
    async () => {
      const tmp = join(dir, 'tmp-kill');
      await mkdir(tmp);
      const bench = start([...ISSUE_ARGS, '--results', join(dir, 'kill')], tmp);
      await bench.waitFor(/strided-cudnn \(onnxruntime\): starting/);
      let rowChild: number | undefined;
      expect(
        await until(async () => (rowChild = (await rowChildPids(bench.child.pid!))[0]) !== undefined, 60_000),
      ).toBe(true);
      expect(await until(async () => (await rowFolders(tmp)).length === 1, 60_000)).toBe(true);
      process.kill(bench.child.pid!, 'SIGKILL');
      await bench.exit;
      expect(await until(async () => !(await alive(rowChild!)), 60_000)).toBe(true);
      expect(await rowFolders(tmp)).toEqual([]);
    },
    300_000,
  );
});
