import { describe, expect, it } from 'vitest';
import { paperGflop, relativeToPaper } from './gflop.js';
import { CANDIDATE_BACKENDS, paperBackend } from './implementations.js';
import { DEFAULT_PATCH, PAPER_IMPLEMENTATIONS, PAPER_TABLE1 } from './table1.js';

describe("the paper's Table 1", () => {
  it('has four rows with unique ids, numbered 1–4', () => {
    expect(PAPER_TABLE1.map((r) => r.paperRow)).toEqual([1, 2, 3, 4]);
    expect(new Set(PAPER_TABLE1.map((r) => r.id)).size).toBe(4);
  });

  it('is self-consistent: GFLOP / GFLOP/s is the printed time to the printed precision', () => {
    // The paper prints time to 2 decimals, so the quotient must round to it (independent of how we typed it).
    for (const r of PAPER_TABLE1)
      expect((r.gflop / r.gflopPerSecond).toFixed(2)).toBe(r.timeSeconds.toFixed(2));
  });

  it('gives GFLOP per model and the relative difference to it', () => {
    expect(paperGflop('scaled')).toBe(PAPER_TABLE1[2]!.gflop);
    expect(paperGflop('scaled')).toBe(PAPER_TABLE1[3]!.gflop);
    expect(relativeToPaper('baseline', PAPER_TABLE1[0]!.gflop * 1.01)).toBeCloseTo(0.01, 12);
  });

  it('lists candidates for every implementation, the paper’s own backend first, a CPU fallback last', () => {
    for (const impl of PAPER_IMPLEMENTATIONS) expect(CANDIDATE_BACKENDS[impl].at(-1)).toBe('onnxruntime');
    expect(paperBackend('pytorch-cudnn')).toBe('cudnn');
    expect(paperBackend('tvm')).toBe('tvm');
    expect(CANDIDATE_BACKENDS.tvm).toEqual(['tvm', 'tvm-cpu', 'onnxruntime']);
  });

  it('uses the 64×128×128 patch', () => {
    expect(DEFAULT_PATCH).toEqual([64, 128, 128]);
  });
});
