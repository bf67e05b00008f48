import { constants } from 'node:os';

/** The signals that stop a bench cleanly: Ctrl-C, a CI timeout or scheduler pre-emption, a closed terminal. */
export const INTERRUPT_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
export type InterruptSignal = (typeof INTERRUPT_SIGNALS)[number];

export function isInterruptSignal(name: string | null | undefined): name is InterruptSignal {
  return (INTERRUPT_SIGNALS as readonly string[]).includes(name ?? '');
}

/** The shell convention for a process ended by a signal: 128 + its number (SIGINT 130, SIGTERM 143, SIGHUP 129). */
export function exitCodeForSignal(signal: InterruptSignal): number {
  return 128 + constants.signals[signal];
}

/**
 * While a bench runs, SIGINT, SIGTERM and SIGHUP do not kill it: the first one aborts `abortSignal` (the
 * running child is stopped), and the bench then writes its results file (rows not measured: 'not-run',
 * reason 'interrupted') and exits with `exitCode()`. A second signal only repeats that the results are being
 * saved. `dispose()` removes the handlers (the default action is back).
 */
export class Interruption {
  private readonly controller = new AbortController();
  private received: InterruptSignal | null = null;
  private readonly listeners = new Map<InterruptSignal, () => void>();
  private waiters: (() => void)[] = [];

  constructor(private readonly write: (line: string) => void = (l) => process.stderr.write(l)) {
    for (const sig of INTERRUPT_SIGNALS) {
      const listener = () => this.trigger(sig);
      this.listeners.set(sig, listener);
      process.on(sig, listener);
    }
  }

  /** Record a signal (also the entry point for a signal seen on a child, e.g. a Ctrl-C to the group). */
  trigger(sig: InterruptSignal): void {
    if (this.received) {
      this.write(`unet3d: ${sig} again: still saving the results measured so far\n`);
      return;
    }
    this.received = sig;
    this.write(`\nunet3d: ${sig}: stopping; saving the rows measured so far\n`);
    this.controller.abort();
    for (const w of this.waiters) w();
    this.waiters = [];
  }

  /** The signal received, or null. */
  get signal(): InterruptSignal | null {
    return this.received;
  }

  get abortSignal(): AbortSignal {
    return this.controller.signal;
  }

  /**
   * Wait up to `ms` for a signal to reach this process: a child that died of SIGINT may die before the
   * same Ctrl-C is delivered here. Returns the signal received, or null.
   */
  async settle(ms: number): Promise<InterruptSignal | null> {
    if (this.received) return this.received;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.waiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
    return this.received;
  }

  exitCode(): number | null {
    return this.received ? exitCodeForSignal(this.received) : null;
  }

  dispose(): void {
    for (const [sig, listener] of this.listeners) process.off(sig, listener);
    this.listeners.clear();
  }
}
