import type { BenchRun } from '@unet3d/results';
import { describe, expect, it } from 'vitest';
import { flopsAnalytic } from './analytic-flops.js';
import { renderMarkdown } from './markdown.js';
import { buildTable1 } from './table1.js';
import { sampleRun } from './testing/sample-run.js';

const analytic = flopsAnalytic();

function identityLineOf(run: BenchRun): string | undefined {
  const md = renderMarkdown({
    run,
    source: 'run.json',
    table: buildTable1(run, analytic),
    analyticDescription: 'test',
    deviceRoof: null,
    figures: [],
  });
  return md.split('\n').find((l) => l.startsWith('- **Identity:**'));
}

describe('the report names the device identity', () => {
  it('a recorded CPU identity: vendor, microarchitecture, ISA, cores and the results folder', () => {
    const run = sampleRun({ analytic, device: 'cpu', patch: [16, 32, 32] });
    run.provenance.device.identity = {
      kind: 'cpu',
      vendor: 'amd',
      microarch: 'zen3',
      family: 25,
      model: 1,
      isa: 'avx2',
      cores: 2,
      modelName: 'AMD EPYC',
    };
    expect(identityLineOf(run)).toBe('- **Identity:** AMD zen3 (AVX2, 2 cores) — `cpu-amd-zen3-avx2-2c`');
  });

  it('a file from before identities says its identity was inferred', () => {
    const run = sampleRun({ analytic, device: 'cpu', patch: [16, 32, 32] });
    delete run.provenance.device.identity;
    expect(identityLineOf(run)).toMatch(
      /^- \*\*Identity:\*\* .* — inferred: this file predates recorded identities/,
    );
  });
});
