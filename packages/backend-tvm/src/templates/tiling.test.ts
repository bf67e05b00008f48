import { CONV_PASSES, convSpec, convWorkload, mixSeed, seededRng, shape5d } from '@unet3d/core';
import { describe, expect, it } from 'vitest';
import { createTask } from '../autotvm/task.js';
import { cudaTarget } from '../targets/cuda/cuda-target.js';
import { simtGeometry } from './simt-template.js';
import { wmmaGeometry } from './wmma-template.js';

/**
 * The launch geometry of every sampled valid config covers the GEMM exactly: each (m, j) cell by exactly one
 * (block, thread/warp, sub-tile) and each reduction index by exactly one (split, chunk). This is the loop
 * structure the templates emit, replayed on the CPU over odd (non-dividing) sizes.
 */
const w = convWorkload(shape5d(1, 5, 3, 7, 6), 7, convSpec({ kernel: 3, padding: 1 }));

function coverSimt(gm: number, gn: number, gk: number, g: ReturnType<typeof simtGeometry>): void {
  const cells = new Uint8Array(gm * gn);
  const tx = g.bn / g.tn;
  for (let by = 0; by < g.grid[1]; by++)
    for (let bx = 0; bx < g.grid[0]; bx++)
      for (let tid = 0; tid < g.threads; tid++)
        for (let u = 0; u < g.tm; u++)
          for (let v = 0; v < g.tn; v++) {
            const m = by * g.bm + Math.floor(tid / tx) * g.tm + u;
            const j = bx * g.bn + (tid % tx) * g.tn + v;
            if (m < gm && j < gn) cells[m * gn + j]!++;
          }
  expect(cells.every((c) => c === 1)).toBe(true);
  const ks = new Uint8Array(gk);
  for (let z = 0; z < g.grid[2]; z++) {
    const end = Math.min(gk, z * g.kPerSplit + g.kPerSplit);
    for (let k0 = z * g.kPerSplit; k0 < end; k0 += g.bk)
      for (let q = 0; q < g.bk; q++) if (k0 + q < end) ks[k0 + q]!++;
  }
  expect(ks.every((c) => c === 1)).toBe(true);
}

describe('tile schedules cover the GEMM exactly', () => {
  for (const pass of CONV_PASSES) {
    it(`simt ${pass}`, () => {
      const task = createTask(w, pass, 'fp32', cudaTarget());
      const rng = seededRng(mixSeed(3));
      for (let i = 0; i < 40; i++) {
        const idx = task.space.randomValid(rng)!;
        const p = task.problem;
        coverSimt(p.gemmM, p.gemmN, p.gemmK, simtGeometry(p, task.space.decode(idx)));
      }
    });
    it(`wmma ${pass}`, () => {
      const task = createTask(w, pass, 'tf32', cudaTarget());
      const rng = seededRng(mixSeed(4));
      for (let i = 0; i < 40; i++) {
        const idx = task.space.randomValid(rng)!;
        const p = task.problem;
        const g = wmmaGeometry(p, 'tf32', task.space.decode(idx));
        const cells = new Uint8Array(p.gemmM * p.gemmN);
        for (let by = 0; by < g.grid[1]; by++)
          for (let bx = 0; bx < g.grid[0]; bx++)
            for (let warp = 0; warp < g.wm * g.wn; warp++)
              for (let fi = 0; fi < g.fm; fi++)
                for (let fj = 0; fj < g.fn; fj++)
                  for (let e = 0; e < 256; e++) {
                    const m = by * g.bm + Math.floor(warp / g.wn) * g.fm * 16 + fi * 16 + Math.floor(e / 16);
                    const j = bx * g.bn + (warp % g.wn) * g.fn * 16 + fj * 16 + (e % 16);
                    if (m < p.gemmM && j < p.gemmN) cells[m * p.gemmN + j]!++;
                  }
        expect(cells.every((c) => c === 1)).toBe(true);
        expect(g.sharedBytes).toBeLessThanOrEqual(48 * 1024);
      }
    });
  }
});
