import { buildTable1, flopsAnalytic, renderMarkdown } from '@unet3d/report';
import { parseResults } from '@unet3d/results';
import { describe, expect, it } from 'vitest';
import { toResultsRow } from './assemble-run.js';
import { parseBackendsOption } from './backend-plan.js';
import type { RowOutcome } from './row-job.js';
import { backendNotes, planJobs } from './run-plan.js';
import { baseProvenance, deviceOf, runProvenance } from './run-provenance.js';

describe('a row that fell back to onnxruntime (e.g. no C compiler for tvm-cpu)', () => {
  it('keeps why in the results (backendDetails.resolutionFailures, a note) and the report says it beside Table 1', async () => {
    const opts = {
      backends: 'auto',
      rows: ['scaled-tvm'],
      quick: true,
      iterations: 2,
      math: 'fp32' as const,
      seed: 0,
      results: 'results',
      timeout: 60,
      report: false,
    };
    const jobs = planJobs(opts, parseBackendsOption('auto'));
    const failures = [
      { name: 'tvm', reason: 'no NVIDIA driver (no /proc/driver/nvidia/version)' },
      { name: 'tvm-cpu', reason: 'no C compiler found ($CC, cc, gcc, clang)' },
    ];
    const outcome: RowOutcome = {
      status: 'ok',
      backend: 'onnxruntime',
      backendDevice: 'cpu',
      resolutionFailures: failures,
      counts: { iterations: 2, warmupIterations: 1, profileIterations: 0 },
      samplesMs: [900, 1100],
      perLayer: [],
      backendDetails: { harnessOverheadMs: 0.2 },
      device: { kind: 'cpu', name: 'cpu', details: {} },
      peakHostRssBytes: null,
      peakDeviceBytes: null,
      harnessOverheadMs: 0.2,
      finalLoss: 0.7,
    };
    const rows = [toResultsRow(jobs[0]!, { kind: 'outcome', outcome, wallMs: 1 })];
    const notes = backendNotes(parseBackendsOption('auto'), jobs, rows);
    const run = parseResults(
      {
        schemaVersion: 1,
        provenance: runProvenance({
          base: await baseProvenance(new Date()),
          device: deviceOf(outcome),
          clock: null,
          rows,
          notes,
          patch: [16, 64, 64],
          batch: 1,
          precision: 'fp32',
          seed: 0,
          settings: {
            rows: ['scaled-tvm'],
            backends: 'auto',
            quick: true,
            requested: { iterations: 2 },
            counts: outcome.counts,
          },
        }),
        rows,
      },
      'test run',
    );
    expect(run.rows[0]?.backendDetails['resolutionFailures']).toEqual(failures);
    expect(run.provenance.notes).toContain(
      "Row scaled-tvm ran on 'onnxruntime' (cpu), not 'tvm': tvm: no NVIDIA driver (no /proc/driver/nvidia/version); tvm-cpu: no C compiler found ($CC, cc, gcc, clang)",
    );
    const analytic = flopsAnalytic();
    const md = renderMarkdown({
      run,
      source: 'x.json',
      table: buildTable1(run, analytic),
      analyticDescription: analytic.description,
      deviceRoof: null,
      figures: [],
    });
    expect(md).toContain(
      'row 4: onnxruntime (cpu) instead of TVM (AutoTVM-tuned) on a GPU (not used — tvm: no NVIDIA driver (no /proc/driver/nvidia/version); tvm-cpu: no C compiler found ($CC, cc, gcc, clang))',
    );
  });
});
