import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DataFileError, errorToOneLine } from '@unet3d/core';
import { describe, expect, it } from 'vitest';
import { isAccuracyFileName, loadAccuracyResults } from './accuracy-files.js';
import { isResultsFileName } from './find.js';
import { loadResults } from './load.js';

const resultsRoot = fileURLToPath(new URL('../../../results/', import.meta.url));
const committed = join(resultsRoot, 'cpu-amd-epyc-2c', '2026-11-22T15-49-42.388Z.json');

async function committedFiles(): Promise<string[]> {
  const out: string[] = [];
  for (const device of await readdir(resultsRoot, { withFileTypes: true })) {
    if (!device.isDirectory()) continue;
    for (const f of await readdir(join(resultsRoot, device.name)))
      if (isResultsFileName(f)) out.push(join(resultsRoot, device.name, f));
  }
  return out;
}

/** Write the committed file with one field changed; return the load error's one line. */
// biome-ignore lint/suspicious/noExplicitAny: the raw JSON of a results file, edited field by field
async function refusal(edit: (run: any) => void): Promise<string> {
  const run = JSON.parse(await readFile(committed, 'utf8'));
  edit(run);
  const dir = await mkdtemp(join(tmpdir(), 'unet3d-consistency-'));
  const path = join(dir, 'edited.json');
  await writeFile(path, JSON.stringify(run));
  const err = await loadResults(path).then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(DataFileError);
  const line = errorToOneLine(err);
  expect(line.split('\n')).toHaveLength(1);
  expect(line).toContain(path);
  return line;
}

describe('results self-consistency on load', () => {
  it('loads every committed results file', async () => {
    const files = await committedFiles();
    expect(files.length).toBeGreaterThanOrEqual(3);
    for (const f of files) await expect(loadResults(f)).resolves.toMatchObject({ schemaVersion: 1 });
  });

  it('loads every committed accuracy results file', async () => {
    const dir = join(resultsRoot, 'accuracy');
    const files = (await readdir(dir)).filter(isAccuracyFileName);
    expect(files.length).toBeGreaterThanOrEqual(1);
    for (const f of files) {
      await expect(loadAccuracyResults(join(dir, f))).resolves.toMatchObject({ kind: 'accuracy' });
    }
  });

  it('refuses a row median that is not the median of its samples', async () => {
    // rows[0].samplesMs sorted: 21290.52…, 21945.98…, 22877.77…, 23073.35…, 23515.66… → median 22877.766917.
    const line = await refusal((run) => {
      run.rows[0].medianMs = 20000;
    });
    expect(line).toMatch(
      /rows\[0\] \(baseline-cudnn\)\.medianMs is 20000 but the median of its samplesMs is 22877\.766917/,
    );
  });

  it('loads a peer timing whose median follows its samples, refuses one that does not', async () => {
    const peer = {
      implementation: 'pytorch',
      version: '1.13.1',
      device: 'cpu',
      deviceName: 'AMD EPYC',
      threads: 2,
      mathMode: 'fp32',
      warmupIterations: 1,
      samplesMs: [300, 100, 200], // median 200, by hand
      medianMs: 200,
    };
    const run = JSON.parse(await readFile(committed, 'utf8'));
    run.rows[0].peer = peer;
    const dir = await mkdtemp(join(tmpdir(), 'unet3d-consistency-'));
    await writeFile(join(dir, 'peer.json'), JSON.stringify(run));
    const loaded = await loadResults(join(dir, 'peer.json'));
    expect(loaded.rows[0]!.peer).toMatchObject({ medianMs: 200, details: {} });
    const line = await refusal((r) => {
      r.rows[0].peer = { ...peer, medianMs: 100 };
    });
    expect(line).toMatch(
      /rows\[0\] \(baseline-cudnn\)\.peer\.medianMs is 100 but the median of its samplesMs is 200/,
    );
  });

  it('refuses an edited sample (the stored median and spread no longer follow)', async () => {
    const line = await refusal((run) => {
      run.rows[1].samplesMs[0] = 1;
    });
    // strided-cudnn samples with 6908.54… replaced by 1: sorted 1, 6593.83, 6717.46, 6816.68, 6932.73 → 6717.46…
    expect(line).toMatch(
      /rows\[1\] \(strided-cudnn\)\.medianMs is 6816\.678700000004 but the median of its samplesMs is 6717\.461138000002/,
    );
  });

  it('refuses a wrong spread, GFLOP/s, per-layer median, overhead median and sample count', async () => {
    expect(
      await refusal((run) => {
        run.rows[2].spread.p75 += 1;
      }),
    ).toMatch(/rows\[2\] \(scaled-cudnn\)\.spread\.p75 is/);
    expect(
      await refusal((run) => {
        run.rows[3].gflopPerSecond.macAsTwoFlop *= 1.5;
      }),
    ).toMatch(
      /rows\[3\] \(scaled-tvm\)\.gflopPerSecond\.macAsTwoFlop is .* but iterationMacs \/ median gives 43\.86/,
    );
    expect(
      await refusal((run) => {
        run.rows[0].perLayer[2].medianMs = 0;
      }),
    ).toMatch(
      /rows\[0\] \(baseline-cudnn\)\.perLayer\[2\] \(embed\.elu other\)\.medianMs is 0 but the median of its samplesMs is 306\.613649/,
    );
    expect(
      await refusal((run) => {
        run.provenance.harnessOverhead.medianMs = 5;
      }),
    ).toMatch(/provenance\.harnessOverhead\.medianMs is 5 but the median of its samplesMs is 1\.02704/);
    expect(
      await refusal((run) => {
        run.rows[0].samplesMs.pop();
      }),
    ).toMatch(
      /rows\[0\] \(baseline-cudnn\)\.samplesMs has 4 samples but provenance\.timing\.iterations is 5/,
    );
  });

  it('keeps the schema checks (NaN written as null, truncation)', async () => {
    expect(
      await refusal((run) => {
        run.rows[0].samplesMs[0] = null;
      }),
    ).toMatch(/does not match results schema v1: rows\[0\]\.samplesMs\[0\]/);
  });
});
