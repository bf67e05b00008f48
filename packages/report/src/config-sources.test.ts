import { describe, expect, it } from 'vitest';
import { flopsAnalytic } from './analytic-flops.js';
import { configSourceLines } from './config-sources.js';
import { renderMarkdown } from './markdown.js';
import { buildTable1 } from './table1.js';
import { sampleRun } from './testing/sample-run.js';

const analytic = flopsAnalytic();

/** A CPU run whose row 4 recorded `configSources` as the tvm-cpu backend does. */
function runWith(configSources: Record<string, unknown>) {
  const run = sampleRun({ analytic, device: 'cpu', patch: [16, 32, 32] });
  const rows = run.rows.map((r) =>
    r.paperRow === 4
      ? { ...r, backend: 'tvm-cpu', backendDetails: { ...r.backendDetails, configSources } }
      : r,
  );
  return { ...run, rows };
}

describe('row 4 config sources in the report', () => {
  it('counts configs tuned here, transferred (from which identity) and fallbacks, one line per row', () => {
    const run = runWith({
      here: 'cpu-amd-zen3-avx2-2c',
      from: null,
      tunedHere: 30,
      transferred: 0,
      fallback: 9,
      tasks: {},
    });
    expect(configSourceLines(run)).toEqual([
      '- **Row 4 kernel configs** (`tvm-cpu`, 39 conv workload × pass): 30 tuned on this CPU (cpu-amd-zen3-avx2-2c), 0 transferred, 9 untuned fallbacks.',
    ]);
    const md = renderMarkdown({
      run,
      source: 'x.json',
      table: buildTable1(run, analytic),
      analyticDescription: 'test',
      deviceRoof: null,
      figures: [],
    });
    expect(md).toContain('30 tuned on this CPU (cpu-amd-zen3-avx2-2c)');
  });

  it('names the --tuning-from identity and the devices the transferred records were measured on', () => {
    const run = runWith({
      here: 'cpu-amd-zen3-avx2-2c',
      from: 'cpu-amd-epyc-2c',
      tunedHere: 0,
      transferred: 38,
      fallback: 1,
      tasks: { 'a|forward|fp32': { source: 'transferred', measuredOn: 'AMD EPYC (2 cores)' } },
    });
    expect(configSourceLines(run)).toEqual([
      '- **Row 4 kernel configs** (`tvm-cpu`, 39 conv workload × pass): 0 tuned on this CPU (cpu-amd-zen3-avx2-2c), 38 transferred from cpu-amd-epyc-2c (--tuning-from: measured there, not here; records of AMD EPYC (2 cores)), 1 untuned fallback.',
    ]);
  });

  it('prints nothing for rows that recorded no config sources', () => {
    expect(configSourceLines(sampleRun({ analytic, device: 'cpu', patch: [16, 32, 32] }))).toEqual([]);
  });
});
