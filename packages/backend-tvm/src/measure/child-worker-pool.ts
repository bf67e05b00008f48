import { type ChildProcess, fork } from 'node:child_process';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

/** The reply of a worker to one request, or why there is none. */
export type WorkerReply<R> =
  | { readonly ok: true; readonly value: R }
  | { readonly ok: false; readonly kind: 'timeout' | 'crash'; readonly reason: string };

export interface ChildWorkerPoolOptions {
  /** Absolute path of the worker's entry module (a .ts file when running from source). */
  module: string;
  /** Workers (default 1: measurements on a small machine must not compete for cores). */
  size?: number;
  env?: NodeJS.ProcessEnv;
}

/** Loader flags a child needs to run `module`: tsx and the source condition for .ts entry points. */
export function childExecArgv(module: string): string[] {
  if (!module.endsWith('.ts')) return [];
  const tsx = createRequire(import.meta.url).resolve('tsx/esm');
  return ['--conditions=@unet3d/source', '--import', pathToFileURL(tsx).href];
}

interface Worker {
  child: ChildProcess | undefined;
  /** Resolves when the child has loaded its modules (its 'ready' message), or with why it did not. */
  ready: Promise<string | undefined> | undefined;
  busy: boolean;
  /** Killed or exited: replace it before the next request. */
  dead: boolean;
  stderr: string;
}

/** How long a new worker may take to start (load its modules) before it counts as crashed. */
const START_TIMEOUT_MS = 120_000;

/**
 * AutoTVM's LocalRunner, as a pool of child processes that each take one request at a time over IPC. A
 * request that crashes its worker (a signal, an exit) or outlives its timeout (the worker is killed) comes
 * back as an error reply; the dead worker is replaced on the next request, so the caller (the tuner) never
 * dies with it. Used by the CPU target (a generated kernel may fault) and the CUDA target (a kernel fault
 * poisons the CUDA context, so the context must die with the process).
 */
export class ChildWorkerPool {
  private readonly workers: Worker[];
  private readonly waiting: ((w: Worker) => void)[] = [];
  private nextId = 1;
  restarts = 0;

  constructor(private readonly options: ChildWorkerPoolOptions) {
    this.workers = Array.from({ length: Math.max(1, options.size ?? 1) }, () => ({
      child: undefined,
      ready: undefined,
      busy: false,
      dead: false,
      stderr: '',
    }));
  }

  async request<Q, R>(message: Q, timeoutMs: number): Promise<WorkerReply<R>> {
    const w = await this.acquire();
    try {
      return await this.send<Q, R>(w, message, timeoutMs);
    } finally {
      w.busy = false;
      const next = this.waiting.shift();
      if (next) {
        w.busy = true;
        next(w);
      }
    }
  }

  dispose(): void {
    for (const w of this.workers) {
      w.child?.kill('SIGKILL');
      w.child = undefined;
    }
  }

  private acquire(): Promise<Worker> {
    const idle = this.workers.find((w) => !w.busy);
    if (idle) {
      idle.busy = true;
      return Promise.resolve(idle);
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private spawn(w: Worker): ChildProcess {
    if (w.child && !w.dead && w.child.exitCode === null && w.child.signalCode === null) return w.child;
    if (w.child || w.dead) this.restarts++;
    w.dead = false;
    w.stderr = '';
    const child = fork(this.options.module, [], {
      execArgv: childExecArgv(this.options.module),
      serialization: 'advanced',
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      ...(this.options.env ? { env: this.options.env } : {}),
    });
    child.stderr?.on('data', (d: Buffer) => {
      w.stderr = (w.stderr + d.toString()).slice(-4000);
    });
    w.ready = new Promise((resolve) => {
      const timer = setTimeout(
        () => resolve(`did not start within ${START_TIMEOUT_MS} ms`),
        START_TIMEOUT_MS,
      );
      const onReady = (m: { ready?: boolean }): void => {
        if (m?.ready) {
          clearTimeout(timer);
          child.off('message', onReady);
          resolve(undefined);
        }
      };
      child.on('message', onReady);
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        resolve(
          `exited while starting (${signal ?? `code ${code}`}): ${w.stderr.trim().split('\n').slice(-2).join(' | ')}`,
        );
      });
    });
    child.unref();
    child.channel?.unref();
    w.child = child;
    return child;
  }

  private async send<Q, R>(w: Worker, message: Q, timeoutMs: number): Promise<WorkerReply<R>> {
    const child = this.spawn(w);
    child.channel?.ref();
    const notReady = await w.ready;
    if (notReady !== undefined) {
      w.dead = true;
      child.kill('SIGKILL');
      return { ok: false, kind: 'crash', reason: `measure worker ${notReady}` };
    }
    const id = this.nextId++;
    return new Promise((resolve) => {
      let done = false;
      const finish = (r: WorkerReply<R>): void => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        child.off('message', onMessage);
        child.off('exit', onExit);
        resolve(r);
      };
      const onMessage = (m: { id: number; value: R }): void => {
        if (m?.id === id) finish({ ok: true, value: m.value });
      };
      const onExit = (code: number | null, signal: NodeJS.Signals | null): void => {
        w.dead = true;
        const tail = w.stderr.trim().split('\n').slice(-2).join(' | ');
        finish({
          ok: false,
          kind: 'crash',
          reason: `measure worker ${signal ? `killed by ${signal}` : `exited with code ${code}`}${tail ? `: ${tail}` : ''}`,
        });
      };
      const timer = setTimeout(() => {
        child.off('exit', onExit);
        w.dead = true;
        child.kill('SIGKILL');
        finish({ ok: false, kind: 'timeout', reason: `no reply within ${timeoutMs} ms (worker killed)` });
      }, timeoutMs);
      child.on('message', onMessage);
      child.once('exit', onExit);
      child.channel?.ref();
      child.send({ id, message }, (err) => {
        if (err)
          finish({
            ok: false,
            kind: 'crash',
            reason: `could not send to the measure worker: ${err.message}`,
          });
      });
    }).finally(() => child.channel?.unref()) as Promise<WorkerReply<R>>;
  }
}

/**
 * The worker side: answer each `{ id, message }` from the parent with `{ id, value: await handle(message) }`.
 * An exception inside `handle` must be turned into a value by the handler (it is a result, not a crash).
 */
export function serveWorker<Q, R>(handle: (message: Q) => Promise<R> | R): void {
  if (!process.send) throw new Error('serveWorker must run in a forked child process');
  process.send({ ready: true });
  process.on('message', (m: { id: number; message: Q }) => {
    void Promise.resolve(handle(m.message)).then((value) => process.send?.({ id: m.id, value }));
  });
}
