import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { flopsAnalytic } from './analytic-flops.js';
import { buildFigureSpecs } from './figures/build-figures.js';
import { quietness } from './testing/quietness-fixture.js';
import { sampleRun } from './testing/sample-run.js';
import { writeReport } from './write-report.js';

const analytic = flopsAnalytic();
const PNG = [0x89, 0x50, 0x4e, 0x47];

describe('writeReport', () => {
  it('writes Markdown, JSON and every figure as SVG, PNG and PDF', async () => {
    const sample = sampleRun({
      analytic,
      device: 'cuda',
      patch: [16, 32, 32],
      notRun: { 4: 'no tuning log' },
    });
    // Row 2 measured on a busy machine: report.json lists why, Table 1 marks it.
    const run = {
      ...sample,
      rows: sample.rows.map((r, i) => (i === 1 ? { ...r, quietness: quietness(0.97) } : r)),
    };
    const outDir = await mkdtemp(join(tmpdir(), 'unet3d-report-'));
    const written = await writeReport({ run, source: join(outDir, '..', 'run.json'), outDir, analytic });
    expect(written.figures.map((f) => f.name)).toEqual([
      'fig3-baseline',
      'fig4-distribution',
      'fig5-flop',
      'fig6-efficiency',
      'roofline',
    ]);
    for (const f of written.figures) {
      const svg = await readFile(f.svg, 'utf8');
      expect(svg).toMatch(/^<svg/);
      expect([...(await readFile(f.png)).subarray(0, 4)]).toEqual(PNG);
      expect((await readFile(f.pdf)).subarray(0, 5).toString('latin1')).toBe('%PDF-');
    }
    const fig6 = await readFile(written.figures[3]!.svg, 'utf8');
    expect(fig6).toContain('peak 67.0 TFLOP/s');
    expect(fig6).toContain('no tuning log');
    const json = JSON.parse(await readFile(written.json, 'utf8'));
    expect(json.table1).toHaveLength(4);
    expect(json.source).toBe('../run.json');
    expect(json.noisyReasons).toEqual([
      `row ${run.rows[1]!.id}: other processes held 97% of 2 CPUs (load average 3.9; threshold 15%)`,
    ]);
    expect(json.table1.map((l: { ours: { busyMachine: boolean } }) => l.ours.busyMachine)).toEqual([
      false,
      true,
      false,
      false,
    ]);
    const md = await readFile(written.markdown, 'utf8');
    expect(md).toContain('![Fig. 6');
    expect(md).toContain('h100-sxm');
    expect(md).toContain('> **Measured on a busy machine:**');
  });

  it('states why a figure is empty instead of drawing empty axes', () => {
    const run = sampleRun({ analytic, device: 'cpu', patch: [16, 32, 32], notRun: { 1: 'out of memory' } });
    const fig3 = buildFigureSpecs(run, analytic).find((f) => f.name === 'fig3-baseline')!;
    expect(JSON.stringify(fig3.spec)).toContain('row not-run: out of memory');
  });
});
