import { describe, expect, it } from 'vitest';
import { exitCodeForSignal, Interruption, isInterruptSignal } from './interruption.js';

describe('Interruption', () => {
  it('maps signals to the shell convention 128 + n', () => {
    expect(exitCodeForSignal('SIGINT')).toBe(130);
    expect(exitCodeForSignal('SIGTERM')).toBe(143);
    expect(exitCodeForSignal('SIGHUP')).toBe(129);
    expect(isInterruptSignal('SIGKILL')).toBe(false);
    expect(isInterruptSignal(null)).toBe(false);
  });

  it('turns a real SIGTERM into an abort instead of death, and gives the default action back on dispose', async () => {
    const lines: string[] = [];
    const before = process.listenerCount('SIGTERM');
    const i = new Interruption((l) => lines.push(l));
    expect(process.listenerCount('SIGTERM')).toBe(before + 1);
    const settled = i.settle(5_000);
    process.kill(process.pid, 'SIGTERM');
    expect(await settled).toBe('SIGTERM');
    expect(i.abortSignal.aborted).toBe(true);
    expect(i.exitCode()).toBe(143);
    i.trigger('SIGINT'); // a second signal keeps the first one's code
    expect(i.exitCode()).toBe(143);
    expect(lines.join('')).toMatch(/SIGTERM: stopping.*\n.*SIGINT again: still saving/s);
    i.dispose();
    expect(process.listenerCount('SIGTERM')).toBe(before);
  });

  it('settle returns null when no signal comes in time', async () => {
    const i = new Interruption(() => {});
    expect(await i.settle(20)).toBeNull();
    expect(i.exitCode()).toBeNull();
    i.dispose();
  });
});
