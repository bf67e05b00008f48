import { errorToOneLine } from '@unet3d/core';
import { describe, expect, it } from 'vitest';
import { planLine } from './index.js';
import { etaSeconds, tuneReporter } from './progress.js';
import { parseTimeLimit } from './time-limit.js';

describe('tune options and progress', () => {
  it('reads time limits', () => {
    expect(parseTimeLimit('10m')).toBe(600_000);
    expect(parseTimeLimit('90s')).toBe(90_000);
    expect(parseTimeLimit('1h30m')).toBe(5_400_000);
    expect(parseTimeLimit('45')).toBe(45_000);
    expect(() => parseTimeLimit('ten minutes')).toThrow(/--time-limit/);
    let line = '';
    try {
      parseTimeLimit('10x');
    } catch (err) {
      line = errorToOneLine(err);
    }
    expect(line).toMatch(/cannot read '10x'.*10m, 90s/);
  });

  it('a weighted plan is one line: trials, tasks that get them, their share, the largest three', () => {
    const plan = [
      { id: 'conv_a|backwardData|fp32', shareMs: 60, trials: 30, seconds: 30 },
      { id: 'conv_b|forward|fp32', shareMs: 25, trials: 12, seconds: 12 },
      { id: 'conv_c|forward|fp32', shareMs: 10, trials: 5, seconds: 5 },
      { id: 'conv_d|forward|fp32', shareMs: 5, trials: 0, seconds: 0 },
    ];
    expect(planLine(plan, 1)).toBe(
      "plan, round 1: 47 trials over 3 of 4 tasks (95% of the iteration's conv time), largest: conv_a backwardData 60% → 30; conv_b forward 25% → 12; conv_c forward 10% → 5; the rest keep their configs",
    );
  });

  it('ETA is the trial rate times trials left, capped by the time limit', () => {
    // 10 trials in 20 s → 2 s/trial; 30 left → 60 s; a deadline 15 s away caps it.
    expect(etaSeconds(0, 20_000, 10, 30)).toBe(60);
    expect(etaSeconds(0, 20_000, 10, 30, 35_000)).toBe(15);
    expect(etaSeconds(0, 20_000, 0, 30)).toBe(Number.POSITIVE_INFINITY);
  });

  it('without a TTY prints a first line, then heartbeats, then a last line', async () => {
    const lines: string[] = [];
    const r = tuneReporter({ tty: false, write: (s) => lines.push(s), heartbeatMs: 20 });
    r.update({ done: 1, total: 10, task: 'conv fwd', taskIndex: 1, tasks: 3, bestMs: 2.5, errors: 0 });
    await new Promise((res) => setTimeout(res, 70));
    r.stop();
    expect(lines[0]).toMatch(/^tune: 1\/10 trials, task 1\/3 conv fwd, best 2\.50 ms, 0 errors/);
    expect(lines.length).toBeGreaterThanOrEqual(3);
    expect(lines.every((l) => l.endsWith('\n') && l.indexOf('\n') === l.length - 1)).toBe(true);
  });
});
