import type { BenchRun } from '@unet3d/results';
import { describe, expect, it } from 'vitest';
import { flopsAnalytic } from './analytic-flops.js';
import { renderMarkdown } from './markdown.js';
import { peerLines } from './peer-table.js';
import { buildTable1 } from './table1.js';
import { sampleRun } from './testing/sample-run.js';

const analytic = flopsAnalytic();

function withPeer(run: BenchRun, index: number, medianMs: number): BenchRun {
  const rows = run.rows.map((r, i) =>
    i === index
      ? {
          ...r,
          peer: {
            implementation: 'pytorch',
            version: '1.13.1',
            device: 'cpu' as const,
            deviceName: 'AMD EPYC',
            threads: 2,
            mathMode: 'fp32',
            warmupIterations: 1,
            samplesMs: [medianMs],
            medianMs,
            details: {},
          },
        }
      : r,
  );
  return { ...run, rows };
}

describe('ours ÷ PyTorch', () => {
  it('one line per row with a peer: our median over the peer median', () => {
    const base = sampleRun({ analytic, device: 'cpu' });
    const ours = base.rows[1]!.medianMs!;
    const run = withPeer(base, 1, ours / 4); // PyTorch 4× faster → ratio 4.00, by hand
    const lines = peerLines(run);
    expect(lines[0]).toBe('## Ours ÷ PyTorch');
    const data = lines.filter((l) => l.startsWith(`| ${base.rows[1]!.id} |`));
    expect(data).toHaveLength(1);
    expect(data[0]).toMatch(/\| torch 1\.13\.1, fp32, 2 threads \| 4\.00 \|$/);
    const md = renderMarkdown({
      run,
      source: 'x.json',
      table: buildTable1(run, analytic),
      analyticDescription: 'test',
      deviceRoof: null,
      figures: [],
    });
    expect(md).toContain('## Ours ÷ PyTorch');
    expect(md.indexOf('## Ours ÷ PyTorch')).toBeLessThan(md.indexOf('## Figures'));
  });

  it('no section without a peer', () => {
    const run = sampleRun({ analytic, device: 'cpu' });
    expect(peerLines(run)).toEqual([]);
    const md = renderMarkdown({
      run,
      source: 'x.json',
      table: buildTable1(run, analytic),
      analyticDescription: 'test',
      deviceRoof: null,
      figures: [],
    });
    expect(md).not.toContain('PyTorch (ms)');
  });
});
