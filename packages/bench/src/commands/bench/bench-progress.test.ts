import { describe, expect, it } from 'vitest';
import { BenchProgress } from './bench-progress.js';

describe('BenchProgress without a terminal (CI logs)', () => {
  it('says a row started, beats every heartbeat interval with phase, iterations and time in the row, and stops beating when the row ends', async () => {
    const lines: string[] = [];
    let now = 0;
    const p = new BenchProgress(2, {
      tty: false,
      heartbeatMs: 40,
      write: (t) => lines.push(t),
      now: () => now,
    });
    p.startRow('scaled-tvm', 'tvm|tvm-cpu|onnxruntime');
    now = 95_000;
    p.update('run', 3, 8);
    await new Promise((r) => setTimeout(r, 100));
    const beats = lines.filter((l) => l.includes('in this row'));
    expect(lines[0]).toBe('[1/2] scaled-tvm (tvm|tvm-cpu|onnxruntime): starting\n');
    expect(beats.length).toBeGreaterThanOrEqual(1);
    expect(beats[0]).toBe(
      '[1/2] scaled-tvm (tvm|tvm-cpu|onnxruntime): run 3/8 iterations, 1m35s in this row\n',
    );
    p.endRow({ id: 'scaled-tvm', status: 'not-run', reason: 'interrupted' } as never);
    const after = lines.length;
    await new Promise((r) => setTimeout(r, 100));
    expect(lines.length).toBe(after);
    expect(lines[after - 1]).toBe('  scaled-tvm: not-run: interrupted\n');
    p.stop();
  });
});
