import { join, relative } from 'node:path';
import { makeDirectory, writeFileAtomic } from '@unet3d/core';
import { type AccuracyResults, type BenchRun, noisyReasons } from '@unet3d/results';
import { accuracyNotes, withAccuracy } from './accuracy-column.js';
import type { AnalyticSource } from './analytic.js';
import { buildFigureSpecs } from './figures/build-figures.js';
import { PRINT_PRESETS, renderPrint } from './figures/print-preset.js';
import { renderFigure } from './figures/render.js';
import { convergence, type TuningTrial, tuningConvergenceSpec } from './figures/tuning-convergence.js';
import { flopRate } from './format.js';
import { renderMarkdown } from './markdown.js';
import { buildTable1, type Table1Line } from './table1.js';

/** Version of report.json's layout. */
export const REPORT_SCHEMA_VERSION = 1;

export interface ReportJson {
  readonly reportSchemaVersion: number;
  readonly source: string;
  readonly analytic: string;
  readonly deviceRoof: string | null;
  /**
   * One line per row (and for the measured roofs) measured on a busy machine (`noisyReasons`); empty for a
   * quiet run. report.md opens with them as a banner.
   */
  readonly noisyReasons: readonly string[];
  readonly provenance: BenchRun['provenance'];
  readonly table1: readonly Table1Line[];
  readonly figures: readonly { name: string; caption: string; png: string; svg: string; pdf: string }[];
}

export interface WriteReportOptions {
  readonly run: BenchRun;
  /** Path of the results file (shown in the report, relative to the output directory). */
  readonly source: string;
  readonly outDir: string;
  readonly analytic: AnalyticSource;
  /** Tuning-log records of the tuned backend on this device, for the convergence figure (optional). */
  readonly tuning?: { readonly records: readonly TuningTrial[]; readonly sources: readonly string[] };
  /** The newest accuracy results file, for Table 1's Accuracy column (optional). */
  readonly accuracy?: { readonly results: AccuracyResults; readonly source: string };
}

export interface WrittenReport {
  readonly markdown: string;
  readonly json: string;
  readonly figures: readonly { name: string; svg: string; png: string; pdf: string }[];
}

/**
 * Build Table 1 and every figure for a run and write report.md, report.json, and figures as SVG + PNG
 * (screen) and PDF (double-column print preset, 7.2 in wide, 8–9 pt text, fonts embedded).
 */
export async function writeReport(options: WriteReportOptions): Promise<WrittenReport> {
  const { run, outDir, analytic } = options;
  await makeDirectory(outDir);
  const built = buildTable1(run, analytic);
  const table = options.accuracy ? withAccuracy(built, options.accuracy.results) : built;
  const roof = analytic.deviceRoof(run.provenance.device, run.provenance.precision);
  const roofText = roof
    ? `${roof.name}: ${flopRate(roof.peakFlopPerSecond)} ${run.provenance.precision} peak, ${(roof.bandwidthBytesPerSecond / 1e9).toFixed(0)} GB/s (${roof.matchedBy})`
    : null;
  const figures: { name: string; caption: string; png: string; svg: string; pdf: string }[] = [];
  const written: { name: string; svg: string; png: string; pdf: string }[] = [];
  const specs = buildFigureSpecs(run, analytic);
  if (options.tuning && options.tuning.records.length > 0) {
    const summary = convergence(options.tuning.records);
    specs.push({
      name: 'tuning-convergence',
      caption: `Tuning convergence of the tuned backend: best GFLOP/s against trials for every conv workload and pass (${summary.trials} trials, ${(summary.tuningSeconds / 60).toFixed(1)} min; logs: ${options.tuning.sources.join(', ')}).`,
      spec: tuningConvergenceSpec(summary, run.provenance.device.name),
    });
  }
  for (const f of specs) {
    const { svg, png } = await renderFigure(f.spec);
    const svgPath = join(outDir, `${f.name}.svg`);
    const pngPath = join(outDir, `${f.name}.png`);
    await writeFileAtomic(svgPath, svg);
    await writeFileAtomic(pngPath, png);
    const pdfPath = join(outDir, `${f.name}.pdf`);
    await writeFileAtomic(pdfPath, (await renderPrint(f.spec, PRINT_PRESETS.double)).pdf);
    const files = { svg: `${f.name}.svg`, png: `${f.name}.png`, pdf: `${f.name}.pdf` };
    figures.push({ name: f.name, caption: f.caption, ...files });
    written.push({ name: f.name, svg: svgPath, png: pngPath, pdf: pdfPath });
  }
  const source = relative(outDir, options.source) || options.source;
  const markdown = renderMarkdown({
    run,
    source,
    table,
    analyticDescription: analytic.description,
    deviceRoof: roofText,
    figures,
    ...(options.accuracy
      ? {
          accuracyNotes: accuracyNotes(
            options.accuracy.results,
            relative(outDir, options.accuracy.source) || options.accuracy.source,
          ),
        }
      : {}),
  });
  const json: ReportJson = {
    reportSchemaVersion: REPORT_SCHEMA_VERSION,
    source,
    analytic: analytic.description,
    deviceRoof: roofText,
    noisyReasons: noisyReasons(run),
    provenance: run.provenance,
    table1: table,
    figures,
  };
  const mdPath = join(outDir, 'report.md');
  const jsonPath = join(outDir, 'report.json');
  await writeFileAtomic(mdPath, markdown);
  await writeFileAtomic(jsonPath, `${JSON.stringify(json, null, 2)}\n`);
  return { markdown: mdPath, json: jsonPath, figures: written };
}
