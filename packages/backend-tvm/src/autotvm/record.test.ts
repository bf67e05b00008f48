import { appendFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MeasureErrorNo } from './measure-error.js';
import { appendRecords, parseLog, pickBest, RECORD_VERSION, readLog, type TuningRecord } from './record.js';

const rec = (over: Partial<TuningRecord> = {}): TuningRecord => ({
  v: RECORD_VERSION,
  workload: 'conv_w',
  pass: 'forward',
  precision: 'fp32',
  template: 'simt',
  space: 'abc',
  gemm: { kind: 'gather', m: 8, n: 64, k: 27 },
  config: { index: 3, knobs: { tile_m: 8 } },
  costsMs: [1, 1.2],
  error: MeasureErrorNo.NO_ERROR,
  errorName: 'NO_ERROR',
  allCostS: 0.5,
  timestamp: '2024-01-01T00:00:00.000Z',
  device: 'NVIDIA H100',
  driver: '13.0',
  cuda: 'nvrtc 13.0',
  commit: 'deadbeef',
  ...over,
});

const tmp = () => mkdtempSync(join(tmpdir(), 'tvm-record-'));

describe('tuning records (JSON lines)', () => {
  it('appends whole lines and reads them back; # lines ignored', () => {
    const p = join(tmp(), 'sub', 'log.jsonl');
    appendRecords(p, [rec(), rec({ config: { index: 4, knobs: { tile_m: 16 } } })]);
    appendFileSync(p, '# a comment\n\n');
    appendRecords(p, [rec({ pass: 'backwardData' })]);
    const r = readLog(p);
    expect(r.problems).toEqual([]);
    expect(r.records.map((x) => x.config.index)).toEqual([3, 4, 3]);
    expect(readFileSync(p, 'utf8').endsWith('\n')).toBe(true);
  });

  it('reports corrupt, foreign-version and torn lines with their line numbers and keeps the rest', () => {
    const text = [
      JSON.stringify(rec()),
      '{not json',
      JSON.stringify({ ...rec(), v: 99 }),
      '# comment',
      JSON.stringify({ ...rec(), costsMs: 'x' }),
      JSON.stringify(rec({ config: { index: 9, knobs: {} } })),
      '{"v":1,"workload":"torn',
    ].join('\n');
    const r = parseLog(text);
    expect(r.records.map((x) => x.config.index)).toEqual([3, 9]);
    expect(r.problems.map((p) => p.line)).toEqual([2, 3, 5, 7]);
    expect(r.problems[1]!.message).toMatch(/schema version 99/);
  });

  it('an append after a torn last line starts on a fresh line', () => {
    const p = join(tmp(), 'log.jsonl');
    writeFileSync(p, `${JSON.stringify(rec())}\n{"v":1,"work`);
    appendRecords(p, [rec({ config: { index: 5, knobs: {} } })]);
    const r = readLog(p);
    expect(r.records.map((x) => x.config.index)).toEqual([3, 5]);
    expect(r.problems).toHaveLength(1);
  });

  it('picks the best error-free record per task', () => {
    const records = [
      rec({ costsMs: [2] }),
      rec({ costsMs: [0.5], config: { index: 7, knobs: {} } }),
      rec({
        costsMs: [],
        error: MeasureErrorNo.COMPILE_DEVICE,
        errorName: 'COMPILE_DEVICE',
        config: { index: 8, knobs: {} },
      }),
      rec({ pass: 'backwardFilter', costsMs: [3] }),
      rec({
        pass: 'backwardData',
        costsMs: [],
        error: MeasureErrorNo.WRONG_ANSWER,
        errorName: 'WRONG_ANSWER',
      }),
    ];
    const best = pickBest(records);
    expect(best.size).toBe(2);
    expect(best.get('conv_w|forward|fp32')!.config.index).toBe(7);
  });

  it('a missing log is empty', () => {
    expect(readLog(join(tmp(), 'none.jsonl'))).toEqual({ records: [], problems: [] });
  });
});
