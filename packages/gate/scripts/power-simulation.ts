/**
 * Seeded power simulation of the gate: false-alarm rate on identical distributions and detection rate of a
 * 10% and a 20% slowdown of one row, at n = 5, 10, 20 samples per side, for α = 0.01 and 0.05, with the
 * gate's defaults otherwise (Holm over the rows, 5% threshold, bootstrap interval). Noise is log-normal with
 * the coefficient of variation measured in the committed results (results/<device>/*.json): the median
 * and the largest CV over their rows.
 *
 *   node --conditions=@unet3d/source --import tsx packages/gate/scripts/power-simulation.ts [trials] [seed]
 *
 * Prints a Markdown table (the one in packages/gate/README.md).
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { mixSeed, seededRng } from '@unet3d/core';
import { type BenchRun, compareResultsFileNames, isResultsFileName, loadResults } from '@unet3d/results';
import { compareRuns, DEFAULT_GATE_OPTIONS, type GateOptions } from '../src/index.js';
import { logNormal, withSamples } from '../test-support/runs.js';

const trials = Number(process.argv[2] ?? 400);
const seed = Number(process.argv[3] ?? 1);
const resultsRoot = fileURLToPath(new URL('../../../results/', import.meta.url));

async function committedRuns(): Promise<{ path: string; run: BenchRun }[]> {
  const out: { path: string; run: BenchRun }[] = [];
  for (const d of await readdir(resultsRoot, { withFileTypes: true })) {
    if (!d.isDirectory()) continue;
    // Results files only (<timestamp>.json): results/accuracy/ holds accuracy files of another schema.
    const files = (await readdir(join(resultsRoot, d.name))).filter(isResultsFileName);
    for (const f of files.sort(compareResultsFileNames)) {
      const path = join(resultsRoot, d.name, f);
      out.push({ path, run: await loadResults(path) });
    }
  }
  return out;
}

function cv(samples: readonly number[]): number {
  const mean = samples.reduce((s, v) => s + v, 0) / samples.length;
  const variance = samples.reduce((s, v) => s + (v - mean) ** 2, 0) / (samples.length - 1);
  return Math.sqrt(variance) / mean;
}

const runs = await committedRuns();
const cvs = runs
  .flatMap(({ run }) => run.rows.filter((r) => r.status === 'ok' && r.samplesMs.length > 1))
  .map((r) => cv(r.samplesMs))
  .sort((a, b) => a - b);
const medianCv = cvs[Math.floor((cvs.length - 1) / 2)]!;
const maxCv = cvs[cvs.length - 1]!;
// The template: the newest committed run, rows only (per-layer entries are a separate family).
const template: BenchRun = {
  ...runs[runs.length - 1]!.run,
  rows: runs[runs.length - 1]!.run.rows.map((r) => ({ ...r, perLayer: [] })),
};
const slowedRow = template.rows[template.rows.length - 1]!.id;

function simulate(n: number, sigma: number, factor: number, options: GateOptions, stream: number) {
  const rng = seededRng(mixSeed(seed, stream));
  let regression = 0;
  let detected = 0;
  let inconclusive = 0;
  const timing = { ...template.provenance.timing, iterations: n };
  const draw = (slow: number) =>
    withSamples({ ...template, provenance: { ...template.provenance, timing } }, (row) =>
      logNormal(rng, n, row.medianMs! * (row.id === slowedRow ? slow : 1), sigma),
    );
  for (let t = 0; t < trials; t++) {
    const result = compareRuns(draw(1), draw(factor), options);
    if (result.outcome === 'regression') regression++;
    if (result.outcome === 'inconclusive') inconclusive++;
    if (result.failures.some((c) => c.rowId === slowedRow && c.verdict === 'slower')) detected++;
  }
  return {
    regression: regression / trials,
    detected: detected / trials,
    inconclusive: inconclusive / trials,
  };
}

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
console.log(
  `Committed results: ${runs.length} files, ${cvs.length} rows; CV of a row's samples: median ${pct(medianCv)}, largest ${pct(maxCv)}.`,
);
console.log(
  `${trials} trials per cell, seed ${seed}; 4 rows, one (${slowedRow}) slowed; threshold ${pct(DEFAULT_GATE_OPTIONS.maxSlowdown)}, Holm over the rows, ${DEFAULT_GATE_OPTIONS.resamples / 4} bootstrap resamples.`,
);
console.log('');
console.log(
  '| noise CV | α | n per side | false alarm (identical) | inconclusive (identical) | detects +10% | detects +20% |',
);
console.log('|---|---|---|---|---|---|---|');
let stream = 0;
for (const noise of [medianCv, maxCv]) {
  const sigma = Math.sqrt(Math.log(1 + noise ** 2));
  for (const alpha of [0.01, 0.05]) {
    for (const n of [5, 10, 20]) {
      const options: GateOptions = {
        ...DEFAULT_GATE_OPTIONS,
        alpha,
        resamples: DEFAULT_GATE_OPTIONS.resamples / 4,
      };
      const same = simulate(n, sigma, 1, options, stream++);
      const ten = simulate(n, sigma, 1.1, options, stream++);
      const twenty = simulate(n, sigma, 1.2, options, stream++);
      console.log(
        `| ${pct(noise)} | ${alpha} | ${n} | ${pct(same.regression)} | ${pct(same.inconclusive)} | ${pct(ten.detected)} | ${pct(twenty.detected)} |`,
      );
    }
  }
}
