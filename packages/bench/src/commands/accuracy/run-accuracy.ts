import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { ConfigError, DataFileError, errorToOneLine, type Triple } from '@unet3d/core';
import {
  AFFINITY_OFFSETS,
  generateSyntheticVolume,
  type LabelledVolume,
  writeLabelledVolumeFiles,
} from '@unet3d/data';
import { PAPER_ACCURACY_DEFINITION } from '@unet3d/metrics';
import { buildNetwork } from '@unet3d/model';
import {
  type AccuracyResultsInput,
  type AccuracyRun,
  type AccuracySummary,
  writeAccuracyResults,
} from '@unet3d/results';
import { plainReporter, runTraining, VolumeData } from '@unet3d/train';
import { openBackend } from '../../backends.js';
import { gitState, hostInfo, packageVersions } from '../bench/provenance.js';
import { loadSplitVolume, type SplitVolumeData } from '../train/volume-options.js';

export interface AccuracyProtocolOptions {
  models: readonly string[];
  seeds: readonly number[];
  iterations: number;
  validateEvery: number;
  patch: Triple;
  batch: number;
  lr: number;
  /** Synthetic volume (z, y, x) and its generator seed. */
  volume: Triple;
  volumeSeed: number;
  split: string;
  backend: string;
  resultsRoot: string;
  /** Folder for the TIFF and HDF5 files (default a fresh temp folder). */
  dataDir?: string | undefined;
  log: (line: string) => void;
}

/** Bring a zero-mean synthetic image to [0, 1] (min–max) so it survives the uint8 files EM comes in. */
function toUnitRange(image: Float32Array): Float32Array {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const v of image) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const out = new Float32Array(image.length);
  for (let i = 0; i < image.length; i++) out[i] = (image[i]! - lo) / (hi - lo || 1);
  return out;
}

function sameVolume(a: LabelledVolume, b: LabelledVolume): boolean {
  if (a.shape.join() !== b.shape.join()) return false;
  for (let i = 0; i < a.image.length; i++)
    if (a.image[i] !== b.image[i] || a.labels[i] !== b.labels[i]) return false;
  return true;
}

const t3 = (t: Triple): [number, number, number] => [t[0], t[1], t[2]];

function stats(xs: readonly number[]) {
  const n = xs.length;
  const mean = xs.reduce((a, b) => a + b, 0) / n;
  const std = n > 1 ? Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1)) : null;
  return { mean, std, min: Math.min(...xs), max: Math.max(...xs), n };
}

/**
 * The reduced accuracy protocol, end to end on files: generate a synthetic EM volume, write it as TIFF
 * stacks and as HDF5 (`writeLabelledVolumeFiles`), read both back through the readers (they must give the
 * same voxels), split it, train every model × seed on the training part (VolumeData: seeded patches with
 * EM augmentations) with validation every K iterations, evaluate the last state on the validation part
 * (blended sliding-window inference; accuracy of the nearest-neighbour maps at 0.5; adapted Rand error of
 * connected components at 0.5), and write results/accuracy/accuracy-<timestamp>.json. Returns its path.
 */
export async function runAccuracyProtocol(o: AccuracyProtocolOptions): Promise<string> {
  const started = new Date();
  for (const model of o.models) buildNetwork({ model, input: o.patch, batch: o.batch }); // fail fast on shape/model
  const dir = o.dataDir ?? (await mkdtemp(join(tmpdir(), 'unet3d-accuracy-')));
  const synthetic = generateSyntheticVolume({ shape: o.volume, seed: o.volumeSeed });
  const files = await writeLabelledVolumeFiles(
    dir,
    { image: toUnitRange(synthetic.image), labels: synthetic.labels, shape: synthetic.shape },
    `synthetic-${o.volumeSeed}`,
  );
  const fromTiff = await loadSplitVolume({ ...files.tiff, split: o.split });
  const fromHdf5 = await loadSplitVolume({ ...files.hdf5, split: o.split });
  if (!sameVolume(fromTiff.train, fromHdf5.train) || !sameVolume(fromTiff.validation, fromHdf5.validation)) {
    throw new DataFileError(
      `the TIFF and HDF5 copies in ${dir} read back as different volumes`,
      'a reader or writer is broken; run the @unet3d/data io tests',
    );
  }
  const data: SplitVolumeData = fromTiff;
  o.log(
    `data: synthetic volume [${o.volume.join(',')}] seed ${o.volumeSeed} written to ${dir} as TIFF + HDF5 (identical on read-back); ` +
      `split ${o.split}: train [${data.train.shape.join(',')}], validation [${data.validation.shape.join(',')}]`,
  );
  const opened = await openBackend(o.backend);
  const runs: AccuracyRun[] = [];
  try {
    for (const model of o.models) {
      for (const seed of o.seeds) {
        const t0 = performance.now();
        try {
          const summary = await runTraining({
            config: {
              model,
              channels: buildNetwork({ model, input: o.patch, batch: o.batch }).channels,
              input: o.patch,
              batch: o.batch,
              seed,
              lr: o.lr,
              data: data.dataId,
            },
            device: opened.device,
            backend: opened.backend,
            iterations: o.iterations,
            checkpointEvery: Number.MAX_SAFE_INTEGER,
            data: new VolumeData({ train: data.train, patch: o.patch, batch: o.batch, seed }),
            validation: { volume: data.validation, every: o.validateEvery },
            reporter: plainReporter(() => {}),
          });
          const last = summary.validation[summary.validation.length - 1]!;
          runs.push({
            rowId: model,
            model,
            seed,
            status: 'ok',
            error: null,
            trainSeconds: (performance.now() - t0) / 1e3,
            history: summary.validation.map((v) => ({
              iteration: v.iteration,
              trainLoss: v.trainLoss,
              validationLoss: null,
              accuracy: v.accuracy,
            })),
            final: {
              accuracy: last.accuracy,
              accuracyAllMaps: last.accuracyAllMaps,
              adaptedRandError: last.adaptedRandError,
              randPrecision: last.randPrecision,
              randRecall: last.randRecall,
              segments: last.segments,
            },
          });
          o.log(
            `${model} seed ${seed}: loss ${summary.losses[0]!.toFixed(4)} → ${summary.losses[summary.losses.length - 1]!.toFixed(4)}, ` +
              `accuracy ${(100 * last.accuracy).toFixed(2)}%, adapted Rand error ${last.adaptedRandError.toFixed(4)}, ` +
              `${((performance.now() - t0) / 1e3).toFixed(0)} s`,
          );
        } catch (err) {
          const line = errorToOneLine(err);
          runs.push({
            rowId: model,
            model,
            seed,
            status: 'failed',
            error: line,
            trainSeconds: (performance.now() - t0) / 1e3,
            history: [],
            final: null,
          });
          o.log(`${model} seed ${seed}: failed: ${line}`);
        }
      }
    }
  } finally {
    await opened.close();
  }
  const summary: AccuracySummary[] = [];
  for (const model of o.models) {
    const ok = runs.filter((r) => r.model === model && r.status === 'ok' && r.final);
    if (!ok.length) continue;
    summary.push({
      rowId: model,
      model,
      accuracy: stats(ok.map((r) => r.final!.accuracy)),
      adaptedRandError: stats(ok.map((r) => r.final!.adaptedRandError)),
    });
  }
  const git = await gitState();
  const host = hostInfo();
  const totalMinutes = (Date.now() - started.getTime()) / 60e3;
  const file: AccuracyResultsInput = {
    schemaVersion: 1,
    kind: 'accuracy',
    provenance: {
      date: started.toISOString(),
      gitCommit: git.commit,
      gitDirty: git.dirty,
      command: ['unet3d', ...process.argv.slice(2)],
      device: {
        kind: 'cpu',
        name: host.cpuModel,
        cores: host.cores,
        gpuName: null,
        driverVersion: null,
        cudaVersion: null,
        cudnnVersion: null,
        computeCapability: null,
        memoryBytes: host.memoryBytes,
        profile: null,
        details: { backend: o.backend },
      },
      host,
      runtimes: { node: process.version },
      packages: packageVersions(),
      notes: [
        `reduced budget: ${o.iterations} iterations of batch ${o.batch} × ${o.patch.join('×')} per model and seed (the paper trains on SNEMI3D to convergence); ${o.models.length} models × ${o.seeds.length} seeds in ${totalMinutes.toFixed(1)} min on ${host.cores} shared CPU cores (backend ${o.backend})`,
        "Table 1 row 4 is row 3's network (scaled) run by another implementation: it shares row 3's accuracy",
        `data written as TIFF stacks and as HDF5 (${files.hdf5.image}), read back through both readers (identical voxels); training read the TIFF copy`,
        'evaluation: eval-mode batch norm (running statistics, momentum 0.1) and blended sliding-window inference over the validation part',
      ],
    },
    data: {
      kind: 'synthetic-reduced',
      label: 'synthetic, reduced protocol',
      image: { ...data.image, shape: t3(data.image.shape) },
      labels: { ...data.labels, shape: t3(data.labels.shape) },
      voxelNm: null,
      syntheticSeed: o.volumeSeed,
    },
    protocol: {
      anisotropy: {
        target: null,
        mode: null,
        imageInterpolation: null,
        voxelNm: null,
        shape: t3(data.shape),
      },
      split: {
        axis: data.split.axis,
        fraction: data.split.fraction,
        trainShape: t3(data.train.shape),
        validationShape: t3(data.validation.shape),
      },
      augmentations: ['flip-z', 'flip-y', 'flip-x', 'transpose-xy', 'grayscale'],
      patch: t3(o.patch),
      batch: o.batch,
      iterations: o.iterations,
      validateEvery: o.validateEvery,
      optimizer: 'adam',
      learningRate: o.lr,
      offsets: AFFINITY_OFFSETS.map((off) => [off[0], off[1], off[2]] as [number, number, number]),
      accuracy: {
        channels: [...PAPER_ACCURACY_DEFINITION.channels],
        threshold: PAPER_ACCURACY_DEFINITION.threshold,
      },
      segmentation: { method: 'connected-components', threshold: 0.5 },
    },
    runs,
    summary,
  };
  if (!runs.some((r) => r.status === 'ok')) {
    throw new ConfigError('every accuracy run failed; nothing written', runs[0]?.error ?? undefined);
  }
  return writeAccuracyResults(o.resultsRoot, file);
}
