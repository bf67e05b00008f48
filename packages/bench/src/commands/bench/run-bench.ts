import { type MathMode, Unet3dError } from '@unet3d/core';
import { buildNetwork } from '@unet3d/model';
import { DEFAULT_BATCH, DEFAULT_PATCH } from '@unet3d/paper';
import {
  type BenchRowInput,
  type BenchRunInput,
  median,
  RESULTS_SCHEMA_VERSION,
  writeRunToResultsDir,
} from '@unet3d/results';
import { toResultsRow } from './assemble-run.js';
import { CPU_MAPPING, GPU_MAPPING, parseBackendsOption, selectRows } from './backend-plan.js';
import { BenchProgress } from './bench-progress.js';
import { probeGpu } from './gpu-probe.js';
import { gitState, hostInfo, packageVersions } from './provenance.js';
import type { RowJob, RowOutcome } from './row-job.js';
import { runRowInChild } from './row-process.js';
import { summaryTable } from './summary-table.js';
import { writeReportFor } from './write-report-for.js';

export interface BenchOptions {
  backends: string;
  rows?: string[];
  quick: boolean;
  input?: [number, number, number];
  batch?: number;
  iterations?: number;
  warmup?: number;
  profileIterations?: number;
  math: MathMode;
  seed: number;
  results: string;
  timeout: number;
  report: boolean;
  injectCrash?: string;
}

const QUICK_PATCH: [number, number, number] = [16, 64, 64];

/** Run the selected rows, each in its own process, then write the results file and the report. */
export async function runBench(opts: BenchOptions): Promise<number> {
  const started = new Date();
  const rows = selectRows(opts.rows);
  const backends = parseBackendsOption(opts.backends);
  if (opts.injectCrash && !rows.some((r) => r.id === opts.injectCrash)) {
    throw new Unet3dError('CONFIG', `--inject-crash names no selected row: '${opts.injectCrash}'`);
  }
  const notes: string[] = [];
  let mapping = backends.kind === 'explicit' ? backends.mapping : CPU_MAPPING;
  let env: Record<string, string> = {};
  let onGpu = false;
  if (backends.kind === 'auto') {
    const gpu = await probeGpu();
    if (gpu.available) {
      mapping = GPU_MAPPING;
      env = gpu.env;
      onGpu = true;
    } else {
      notes.push(
        `No usable GPU (${gpu.reason}): every row ran on the CPU backend 'onnxruntime' instead of the paper's GPU implementations (cuDNN, TVM). Rows 3 and 4 therefore measure the same thing here.`,
      );
    }
  } else {
    onGpu = mapping['pytorch-cudnn'] !== 'onnxruntime' || mapping.tvm !== 'onnxruntime';
    notes.push(
      `Backends chosen by --backends: cuDNN rows → '${mapping['pytorch-cudnn']}', TVM row → '${mapping.tvm}'.`,
    );
  }
  const patch = opts.input ?? (opts.quick ? QUICK_PATCH : ([...DEFAULT_PATCH] as [number, number, number]));
  const batch = opts.batch ?? DEFAULT_BATCH;
  const iterations = opts.iterations ?? (opts.quick ? 3 : onGpu ? 20 : 5);
  const warmupIterations = opts.warmup ?? (onGpu ? 5 : opts.quick ? 1 : 2);
  const profileIterations = opts.profileIterations ?? (onGpu ? 3 : 1);
  // Validate the patch for every selected network before any row starts (one clear line if impossible).
  for (const row of rows) buildNetwork({ model: row.model, input: patch, batch });
  if (opts.quick) notes.push(`Quick smoke run: patch ${patch.join('×')}, ${iterations} timed iterations.`);

  const progress = new BenchProgress(rows.length);
  const resultsRows: BenchRowInput[] = [];
  const outcomes: RowOutcome[] = [];
  for (const row of rows) {
    const job: RowJob = {
      row,
      backend: mapping[row.paperImplementation],
      mathMode: opts.math,
      patch,
      batch,
      warmupIterations,
      iterations,
      profileIterations,
      seed: opts.seed,
      ...(opts.injectCrash === row.id ? { injectCrash: true } : {}),
    };
    progress.startRow(row.id, job.backend);
    const result = await runRowInChild(job, {
      timeoutMs: opts.timeout * 1000,
      env,
      onProgress: (phase, done, total) => progress.update(phase, done, total),
    });
    const resultsRow = toResultsRow(job, result);
    progress.endRow(resultsRow);
    resultsRows.push(resultsRow);
    if (result.kind === 'outcome' && result.outcome.status === 'ok') outcomes.push(result.outcome);
  }
  progress.stop();

  const host = hostInfo();
  const first = outcomes[0];
  const details = first?.device?.details ?? {};
  const backendDetails = first?.backendDetails ?? {};
  const str = (k: string): string | null => {
    const v = details[k] ?? backendDetails[k];
    return typeof v === 'string' || typeof v === 'number' ? String(v) : null;
  };
  const overheads = outcomes.map((o) => o.harnessOverheadMs).filter((v): v is number => v !== null);
  const git = await gitState();
  const run: BenchRunInput = {
    schemaVersion: RESULTS_SCHEMA_VERSION,
    provenance: {
      date: started.toISOString(),
      gitCommit: git.commit,
      gitDirty: git.dirty,
      command: ['unet3d', ...process.argv.slice(2)],
      device: {
        kind: first?.device?.kind ?? 'cpu',
        name: first?.device?.kind === 'cuda' ? first.device.name : host.cpuModel,
        cores: first?.device?.kind === 'cuda' ? null : host.cores,
        gpuName: first?.device?.kind === 'cuda' ? first.device.name : null,
        driverVersion: str('driverVersion'),
        cudaVersion: str('cudaVersion'),
        cudnnVersion: str('cudnnVersion'),
        computeCapability: str('computeCapability'),
        memoryBytes:
          typeof details['memoryBytes'] === 'number' ? (details['memoryBytes'] as number) : host.memoryBytes,
        profile: null,
        details,
      },
      host,
      runtimes: {
        node: process.version,
        onnxruntime:
          outcomes.map((o) => o.backendDetails['onnxruntime']).find((v) => typeof v === 'string') ?? null,
      },
      packages: packageVersions(),
      patch,
      batch,
      precision: opts.math,
      timing: {
        iterations,
        warmupIterations,
        clock: onGpu ? 'performance.now after device synchronize' : 'performance.now',
        isolation: 'child-process-per-row',
        seed: opts.seed,
      },
      harnessOverhead: {
        method:
          'per timed iteration: (wall time of the tinybench run phase − sum of the step times it recorded) / iterations; one value per measured row',
        samplesMs: overheads.length ? overheads : [0],
        medianMs: overheads.length ? median(overheads) : 0,
      },
      notes,
    },
    rows: resultsRows,
  };
  const path = await writeRunToResultsDir(opts.results, run);
  process.stdout.write(`${summaryTable(resultsRows)}\nresults: ${path}\n`);
  if (opts.report) {
    const report = await writeReportFor(path, opts.results);
    process.stdout.write(`report: ${report}\n`);
  }
  return resultsRows.some((r) => r.status === 'failed') ? 1 : 0;
}
