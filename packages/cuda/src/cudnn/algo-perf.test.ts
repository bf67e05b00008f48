import { describe, expect, it } from 'vitest';
import { ALGO_PERF_BYTES, chooseAlgo, decodeAlgoPerfs } from './algo-perf.js';
import { packedStrides } from './cudnn.js';
import { formatCudnnVersion } from './cudnn-api.js';

function encode(
  rows: { algo: number; status: number; time: number; memory: number; math: number }[],
): Uint8Array {
  const buf = new Uint8Array(rows.length * ALGO_PERF_BYTES);
  const v = new DataView(buf.buffer);
  rows.forEach((r, i) => {
    const o = i * ALGO_PERF_BYTES;
    v.setInt32(o, r.algo, true);
    v.setInt32(o + 4, r.status, true);
    v.setFloat32(o + 8, r.time, true);
    v.setBigUint64(o + 16, BigInt(r.memory), true);
    v.setInt32(o + 24, 1, true);
    v.setInt32(o + 28, r.math, true);
  });
  return buf;
}

describe('algo perf results', () => {
  const buf = encode([
    { algo: 1, status: 0, time: 0.5, memory: 1024, math: 1 },
    { algo: 6, status: 3000, time: -1, memory: 0, math: 3 },
    { algo: 0, status: 0, time: 0.75, memory: 0, math: 3 },
  ]);
  it('decodes the C struct', () => {
    const p = decodeAlgoPerfs(buf, 3);
    expect(p[0]).toEqual({
      algo: 1,
      status: 0,
      timeMs: 0.5,
      memoryBytes: 1024,
      deterministic: true,
      mathType: 1,
    });
    expect(p[2]!.timeMs).toBe(0.75);
    expect(decodeAlgoPerfs(buf, 9)).toHaveLength(3);
  });
  it('picks the fastest successful one, skipping tensor-op math in fp32', () => {
    const p = decodeAlgoPerfs(buf, 3);
    expect(chooseAlgo(p, true)!.algo).toBe(1);
    expect(chooseAlgo(p, false)!.algo).toBe(0);
    expect(chooseAlgo([p[1]!], true)).toBeUndefined();
  });
});

describe('cuDNN helpers', () => {
  it('formats versions and computes packed strides', () => {
    expect(formatCudnnVersion(90800)).toBe('9.8.0');
    expect(formatCudnnVersion(91002)).toBe('9.10.2');
    expect(packedStrides([2, 3, 4, 5, 6])).toEqual([360, 120, 30, 6, 1]);
  });
});
