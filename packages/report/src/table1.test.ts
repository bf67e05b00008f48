import { PAPER_TABLE1 } from '@unet3d/paper';
import { describe, expect, it } from 'vitest';
import { NO_ANALYTIC } from './analytic.js';
import { flopsAnalytic } from './analytic-flops.js';
import { renderMarkdown } from './markdown.js';
import { buildTable1 } from './table1.js';
import { sampleRun } from './testing/sample-run.js';

const analytic = flopsAnalytic();

describe('buildTable1', () => {
  it('puts the paper beside our numbers, from the analytic count and the samples', () => {
    const run = sampleRun({ analytic, device: 'cpu', notRun: { 4: 'TVM needs a CUDA GPU' } });
    const table = buildTable1(run, analytic);
    expect(table.map((l) => l.paperRow)).toEqual([1, 2, 3, 4]);
    const [r1, r2, , r4] = table;
    const [p1, p2] = PAPER_TABLE1;
    expect(r1!.paper).toMatchObject({ gflop: p1!.gflop, timeSeconds: p1!.timeSeconds, speedupOverRow1: 1 });
    expect(r2!.paper!.speedupOverRow1).toBeCloseTo(p1!.timeSeconds / p2!.timeSeconds, 9);
    // Analytic GFLOP at the paper's patch is within 0.2% of the paper's.
    for (const [i, line] of table.entries()) {
      expect(line.ours.gflopFrom).toBe('analytic');
      expect(Math.abs(line.ours.gflop! / PAPER_TABLE1[i]!.gflop - 1)).toBeLessThan(0.002);
    }
    const row1 = run.rows[0]!;
    expect(r1!.ours.timeSeconds).toBeCloseTo(row1.medianMs! / 1e3, 12);
    expect(r1!.ours.gflopPerSecondMacAsOneOp).toBeCloseTo(r1!.ours.gflop! / r1!.ours.timeSeconds!, 9);
    expect(r1!.ours.gflopPerSecondMacAsTwoFlop).toBeCloseTo(2 * r1!.ours.gflopPerSecondMacAsOneOp!, 9);
    expect(r1!.ours.speedupOverRow1).toBe(1);
    expect(r2!.ours.speedupOverRow1).toBeCloseTo(row1.medianMs! / run.rows[1]!.medianMs!, 12);
    expect(r1!.ours.paperImplementation).toBe(false);
    expect(r4!.ours).toMatchObject({ status: 'not-run', reason: 'TVM needs a CUDA GPU', timeSeconds: null });
  });

  it('falls back to the results file counts, and marks GPU rows as the paper implementation', () => {
    const run = sampleRun({ analytic, device: 'cuda', patch: [16, 32, 32] });
    const table = buildTable1(run, NO_ANALYTIC);
    expect(table[0]!.ours.gflopFrom).toBe('results');
    expect(table[0]!.ours.gflop).toBeCloseTo(run.rows[0]!.iterationMacs / 1e9, 12);
    expect(table.every((l) => l.ours.paperImplementation)).toBe(true);
  });

  it('reports missing rows, extra rows and measured accuracy', () => {
    const run = sampleRun({ analytic, device: 'cuda', patch: [16, 32, 32] });
    const rows = [...run.rows];
    rows[0] = { ...rows[0]!, accuracy: { value: 0.9123, source: 'results/train/x.json' } };
    rows[3] = { ...rows[3]!, id: 'scaled-onnx', paperRow: null, channels: [8, 8, 8, 8, 8] };
    const table = buildTable1({ ...run, rows }, analytic);
    expect(table).toHaveLength(5);
    expect(table[3]!.ours).toMatchObject({ status: 'missing', reason: 'not in this results file' });
    expect(table[4]).toMatchObject({ id: 'scaled-onnx', paperRow: null, paper: null });
    expect(table[0]!.ours.accuracyPercent).toBeCloseTo(91.23, 9);
  });
});

describe('renderMarkdown', () => {
  it('labels the paper, says when the CPU default ran, and lists rows not run', () => {
    const run = sampleRun({ analytic, device: 'cpu', notRun: { 4: 'TVM needs a CUDA GPU' } });
    const md = renderMarkdown({
      run,
      source: 'results/cpu/x.json',
      table: buildTable1(run, analytic),
      analyticDescription: analytic.description,
      deviceRoof: null,
      figures: [{ png: 'fig3-baseline.png', svg: 'fig3-baseline.svg', caption: 'Fig. 3' }],
    });
    expect(md).toMatch(/^# Table 1 reproduction — Synthetic CPU/);
    expect(md).toContain(
      "**Not the paper's implementation.** row 1: onnxruntime (cpu) instead of PyTorch (cuDNN)",
    );
    expect(md).toContain('- row 4 (`scaled-tvm`): not-run — TVM needs a CUDA GPU');
    expect(md).toContain('| GFLOP (paper) | GFLOP (ours) | GFLOP/s (paper) |');
    expect(md).toContain('not measured');
    expect(md).toContain('![Fig. 3](fig3-baseline.png)');
    expect(md).toContain('SYNTHETIC TEST FIXTURE');
    // Row 1's measured median appears as given in the results file.
    expect(md).toContain(`${(run.rows[0]!.medianMs! / 1e3).toFixed(3)} s`);
  });
});
