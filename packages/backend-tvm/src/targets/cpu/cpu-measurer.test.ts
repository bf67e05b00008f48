import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { convSpec, convWorkload, errorToOneLine } from '@unet3d/core';
import { afterAll, describe, expect, it } from 'vitest';
import { MeasureErrorNo } from '../../autotvm/measure-error.js';
import { parseLog, serializeRecord } from '../../autotvm/record.js';
import type { TargetSpec } from '../../autotvm/target.js';
import { createTask } from '../../autotvm/task.js';
import { tuneWorkloads } from '../../autotvm/tune.js';
import { CpuMeasurer } from './cpu-measurer.js';
import type { CpuKernelSource, CpuLimits } from './cpu-template.js';

const dir = mkdtempSync(join(tmpdir(), 'tvm-cpu-bad-'));
const cacheDir = join(dir, 'so');
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const w = convWorkload([1, 2, 4, 6, 8], 3, convSpec({ kernel: 3, padding: 'same' }));

/** Run `fn` with $CC set to `cc` (restored afterwards). */
async function withCc<T>(cc: string, fn: () => Promise<T> | T): Promise<T> {
  const before = process.env['CC'];
  process.env['CC'] = cc;
  try {
    return await fn();
  } finally {
    if (before === undefined) delete process.env['CC'];
    else process.env['CC'] = before;
  }
}

describe('CPU measurer: bad input is one line and nothing is lost', () => {
  it('no compiler: one line naming CC and the fix', async () => {
    const err = await withCc('/nonexistent/cc-for-test', () => {
      try {
        new CpuMeasurer({ cacheDir });
        return undefined;
      } catch (e) {
        return e;
      }
    });
    expect(err).toBeInstanceOf(Error);
    const line = errorToOneLine(err);
    expect(line).not.toContain('\n');
    expect(line).toMatch(/cc-for-test/);
  });

  it('a compiler that fails: every config is COMPILE_DEVICE with the compiler error line', async () => {
    const fake = join(dir, 'fake-cc');
    writeFileSync(
      fake,
      '#!/bin/sh\ncase "$*" in *version*) echo "fake-cc 12.2.0"; exit 0;; esac\necho "kernel.c:1:1: error: simulated compiler failure" >&2\nexit 1\n',
    );
    chmodSync(fake, 0o755);
    const results = await withCc(fake, async () => {
      const m = new CpuMeasurer({ cacheDir: join(dir, 'so-fake') });
      try {
        const task = createTask(w, 'forward', 'fp32', m.target);
        return await m.measureBatch(task, [
          task.space.randomValid({ next: () => 0.5, int: () => 0 } as never)!,
        ]);
      } finally {
        m.dispose();
      }
    });
    expect(results[0]!.error).toBe(MeasureErrorNo.COMPILE_DEVICE);
    expect(results[0]!.errorMsg).toMatch(/simulated compiler failure/);
    expect(results[0]!.errorMsg).not.toContain('\n');
  }, 300_000);

  it('a crashing and a hanging candidate are error codes; the worker is restarted and good configs still measure', async () => {
    // 10 s per run: a good config of this tiny workload runs in milliseconds even on a loaded machine; only
    // the hanging one reaches it.
    const m = new CpuMeasurer({ cacheDir, runTimeoutMs: 10_000, repeats: 1 });
    // The real CPU target, except that configs with order = 1 fault and configs with par = 1 (order 0) never
    // return. Those knobs exist whatever vector widths and registers this CPU has, so the test runs on any ISA.
    const real = m.target;
    const broken: TargetSpec<CpuLimits, CpuKernelSource> = {
      ...real,
      templateFor: (p, prec) => {
        const t = real.templateFor(p, prec);
        return {
          ...t,
          generate: (problem, precision, values, name) => {
            const k = t.generate(problem, precision, values, name);
            const body =
              values['order'] === 1
                ? '{ *(volatile int*)0 = 1; }'
                : values['par'] === 1
                  ? '{ for (;;) __asm__ volatile(""); }'
                  : undefined;
            if (!body) return k;
            return {
              ...k,
              source: `void ${name}(const float* A, const float* B, float* C) ${body}\nvoid ${name}_release(void) {}\n`,
            };
          },
        };
      },
    };
    try {
      const task = createTask(w, 'forward', 'fp32', broken);
      // The fallback (order 0, par 0: measured for real) under the limits of the detected features.
      const fallback = task.template.fallback!(task.problem, task.limits);
      expect(fallback).toMatchObject({ order: 0, par: 0 });
      const pick = (knobs: { order: number; par: number }) => task.space.encode({ ...fallback, ...knobs })!;
      const good = pick({ order: 0, par: 0 });
      const crash = pick({ order: 1, par: 0 });
      const hang = pick({ order: 0, par: 1 });
      for (const i of [good, crash, hang]) expect(task.space.invalidReason(i)).toBeUndefined();
      const results = await m.measureBatch(task, [crash, good, hang, good]);
      expect(results.map((r) => r.error)).toEqual([
        MeasureErrorNo.RUNTIME_DEVICE,
        MeasureErrorNo.NO_ERROR,
        MeasureErrorNo.RUN_TIMEOUT,
        MeasureErrorNo.NO_ERROR,
      ]);
      expect(results[0]!.errorMsg).toMatch(/SIGSEGV/);
      expect(m.restarts).toBeGreaterThanOrEqual(2);
    } finally {
      m.dispose();
    }
  }, 600_000);

  it('a corrupt, foreign or torn log: one warning line, bad lines kept, new records on fresh lines', async () => {
    const logPath = join(dir, 'corrupt.jsonl');
    const m = new CpuMeasurer({ cacheDir, repeats: 1 });
    try {
      await tuneWorkloads({
        workloads: [w],
        passes: ['forward'],
        budget: 2,
        batchSize: 2,
        precision: 'fp32',
        logPath,
        tuner: 'random',
        seed: 4,
        measurer: m,
      });
      const good = readFileSync(logPath, 'utf8');
      const foreign = JSON.stringify({ v: 99, hello: 'other tool' });
      const torn = serializeRecord(parseLog(good).records[0]!).slice(0, 40);
      writeFileSync(logPath, `${good}${foreign}\n${torn}`);
      const warnings: string[] = [];
      await tuneWorkloads({
        workloads: [w],
        passes: ['forward'],
        budget: 4,
        batchSize: 2,
        precision: 'fp32',
        logPath,
        tuner: 'random',
        seed: 4,
        measurer: m,
        onWarning: (x) => warnings.push(x),
      });
      expect(warnings.length).toBe(1);
      expect(warnings[0]).toMatch(/skipped 2 bad line/);
      expect(warnings[0]).not.toContain('\n');
      const text = readFileSync(logPath, 'utf8');
      expect(text.startsWith(`${good}${foreign}\n${torn}\n`)).toBe(true);
      const after = parseLog(text);
      expect(after.problems.length).toBe(2);
      // 2 earlier trials replayed, 2 new: the budget counts resumed trials.
      expect(after.records.length).toBe(4);
    } finally {
      m.dispose();
    }
  }, 600_000);
});
