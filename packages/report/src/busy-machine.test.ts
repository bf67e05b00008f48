import type { BenchRun } from '@unet3d/results';
import { describe, expect, it } from 'vitest';
import { flopsAnalytic } from './analytic-flops.js';
import { BUSY_MARK, busyMachineBanner } from './busy-machine.js';
import { renderMarkdown } from './markdown.js';
import { buildTable1 } from './table1.js';
import { quietness } from './testing/quietness-fixture.js';
import { sampleRun } from './testing/sample-run.js';

const analytic = flopsAnalytic();

/** The sample run with quietness on every row; row `busyRow` (index) noisy, the others quiet. */
function runWithBusyRow(busyRow: number | null): BenchRun {
  const run = sampleRun({ analytic, device: 'cpu', patch: [16, 32, 32] });
  return {
    ...run,
    rows: run.rows.map((r, i) => ({ ...r, quietness: quietness(i === busyRow ? 0.97 : 0.02) })),
  };
}

function markdownOf(run: BenchRun): string {
  return renderMarkdown({
    run,
    source: 'run.json',
    table: buildTable1(run, analytic),
    analyticDescription: 'test',
    deviceRoof: null,
    figures: [],
  });
}

describe('the busy-machine banner', () => {
  it('opens report.md with each reason and marks only the noisy row in Table 1', () => {
    const run = runWithBusyRow(1);
    const md = markdownOf(run);
    const lines = md.split('\n');
    // Right under the title, before the provenance list.
    expect(lines[2]).toMatch(/^> \*\*Measured on a busy machine:\*\*/);
    expect(md.indexOf('Measured on a busy machine')).toBeLessThan(md.indexOf('- **Source:**'));
    expect(md).toContain(
      `> - row ${run.rows[1]!.id}: other processes held 97% of 2 CPUs (load average 3.9; threshold 15%)`,
    );
    const tableRows = lines.filter((l) => /^\| [1-4] \|/.test(l));
    expect(tableRows).toHaveLength(4);
    expect(tableRows.map((l) => l.includes(BUSY_MARK))).toEqual([false, true, false, false]);
  });

  it('names noisy measured roofs too, and says nothing for a quiet run', () => {
    const quiet = runWithBusyRow(null);
    expect(busyMachineBanner(quiet)).toEqual([]);
    expect(markdownOf(quiet)).not.toContain('busy machine');
    const measured = {
      method: 'measured (FMA loop / copy loop)',
      peakFp32FlopsPerSecond: 45.8e9,
      copyBytesPerSecond: 1e10,
      readBytesPerSecond: 1e10,
      triadBytesPerSecond: 1e10,
      bufferBytes: 1 << 26,
      threads: 2,
      compiler: 'gcc 12',
      features: {},
      quietness: quietness(0.9),
    };
    const roofs = {
      ...quiet,
      provenance: { ...quiet.provenance, device: { ...quiet.provenance.device, measured } },
    };
    expect(busyMachineBanner(roofs)).toContain(
      '> - measured roofs: other processes held 90% of 2 CPUs (load average 3.9; threshold 15%)',
    );
  });
});
