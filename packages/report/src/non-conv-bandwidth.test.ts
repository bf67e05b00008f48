import { type BenchRun, type MeasuredCpuProfile, perLayerTiming } from '@unet3d/results';
import { describe, expect, it } from 'vitest';
import { flopsAnalytic, measuredCpuRoof } from './analytic-flops.js';
import { fig6Spec } from './figures/fig6-efficiency.js';
import { renderMarkdown } from './markdown.js';
import { nonConvBandwidth, nonConvBandwidthLines } from './non-conv-bandwidth.js';
import { sampleRun } from './testing/sample-run.js';

const measured: MeasuredCpuProfile = {
  method: 'measured (FMA loop / copy loop)',
  peakFp32FlopsPerSecond: 2.5e11,
  copyBytesPerSecond: 2e10,
  readBytesPerSecond: 3e10,
  triadBytesPerSecond: 2.2e10,
  bufferBytes: 64 * 2 ** 20,
  threads: 2,
  compiler: 'cc (Debian 12.2.0) 12.2.0\nmore',
  features: { avx512f: true, vectorWidthFp32: 16 },
};

/** A CPU sample run whose first row has three non-conv entries with hand-picked bytes and times. */
function cpuRun(withProfile: boolean): BenchRun {
  const run = sampleRun({ analytic: flopsAnalytic(), device: 'cpu', samples: 3 });
  const row = run.rows[0]!;
  row.perLayer.push(
    // 1e9 bytes in 100 ms: 10 GB/s; floor 1e9 / 2e10 = 50 ms, so time ÷ floor = 2.
    {
      ...perLayerTiming('enc0.bn1', 'other', [100, 100, 100], 0, 6e8, ['enc0.bn1', 'enc0.elu1']),
      opKind: 'batchNorm+elu',
    },
    {
      ...perLayerTiming('enc0.bn2', 'other', [50, 60, 40], 0, 4e8, ['enc0.bn2', 'enc0.elu2']),
      opKind: 'batchNorm+elu',
    },
    // 2e8 bytes in 20 ms: 10 GB/s, floor 10 ms.
    { ...perLayerTiming('(adam)', 'other', [20, 20, 20], 0, 2e8), opKind: 'adam' },
  );
  if (withProfile) run.provenance.device.measured = measured;
  return run;
}

describe('measured CPU profile and non-conv bandwidth in the report', () => {
  it('uses the measured peak and copy bandwidth as the roof of an fp32 CPU run, labelled as measured', () => {
    const run = cpuRun(true);
    const roof = measuredCpuRoof(run.provenance.device, 'fp32');
    expect(roof).toMatchObject({ peakFlopPerSecond: 2.5e11, bandwidthBytesPerSecond: 2e10 });
    expect(roof!.name).toContain('measured (FMA loop / copy loop)');
    expect(flopsAnalytic().deviceRoof(run.provenance.device, 'fp32')).toEqual(roof);
    expect(measuredCpuRoof(run.provenance.device, 'bf16')).toBeNull();
    expect(measuredCpuRoof(cpuRun(false).provenance.device, 'fp32')).toBeNull();
    const stat = {
      layer: 'conv',
      order: 0,
      pass: 'forward' as const,
      macs: 1e9,
      bytes: null,
      medianMs: 20,
      gflopPerSecond: 100,
      intensity: null,
    };
    const json = JSON.stringify(fig6Spec([{ label: 'row 3', stats: [stat] }], roof, 't'));
    expect(json).toContain('peak 250 GFLOP/s');
    expect(json).toContain('measured (FMA loop / copy loop)');
  });

  it('sums op kinds per row and divides by the measured copy bandwidth', () => {
    const lines = nonConvBandwidth(cpuRun(true)).filter((l) => l.row === 'baseline-cudnn');
    expect(lines.map((l) => l.opKind)).toEqual(['batchNorm+elu', 'adam']);
    const bn = lines[0]!;
    expect(bn).toMatchObject({ entries: 2, ms: 150, bytes: 1e9, fused: true });
    expect(bn.achievedBytesPerSecond).toBeCloseTo(1e9 / 0.15, 0);
    expect(bn.timeOverFloor).toBeCloseTo(0.15 / (1e9 / 2e10), 9);
    expect(lines[1]!.timeOverFloor).toBeCloseTo(2, 9);
    expect(nonConvBandwidth(cpuRun(false))[0]!.timeOverFloor).toBeNull();
  });

  it('adds the table and the measured profile to report.md', () => {
    const run = cpuRun(true);
    const md = renderMarkdown({
      run,
      source: 'x.json',
      table: [],
      analyticDescription: 'a',
      deviceRoof: null,
      figures: [],
    });
    expect(md).toContain('## Non-conv ops against memory bandwidth');
    expect(md).toContain('| baseline-cudnn | batchNorm+elu (fused) | 2 | 150.0 | 1000.0 | 6.7 | 3.00 |');
    expect(md).toContain('| baseline-cudnn | adam | 1 | 20.0 | 200.0 | 10.0 | 2.00 |');
    expect(md).toContain('fp32 peak 250 GFLOP/s, copy 20.0 GB/s');
    expect(nonConvBandwidthLines(sampleRun({ analytic: flopsAnalytic(), device: 'cpu' }))).toEqual([]);
  });
});
