import { z } from 'zod';
import { DeviceInfoSchema, HostInfoSchema } from './provenance-schema.js';

/** The accuracy-results schema version this build writes and reads. Bump it on any incompatible change. */
export const ACCURACY_SCHEMA_VERSION = 1;

const positiveInt = z.number().int().positive();
const fraction = z.number().min(0).max(1);
const triple = z.tuple([z.number().positive(), z.number().positive(), z.number().positive()]);
const intTriple = z.tuple([positiveInt, positiveInt, positiveInt]);

/** One volume file the run read: enough to tell later whether a number came from the same bytes. */
export const VolumeFileSchema = z.object({
  /** As given on the command line: `stack.tif` or `file.h5:/dataset`. */
  spec: z.string().min(1),
  format: z.enum(['tiff', 'hdf5']),
  /** SHA-256 of the whole file (hex). */
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  /** (z, y, x) as read, before rescaling. */
  shape: intTriple,
  dtype: z.string().min(1),
});

/** Where the data came from: SNEMI3D, or the synthetic volumes of the reduced protocol written to files first. */
export const AccuracyDataSchema = z.object({
  kind: z.enum(['snemi3d', 'synthetic-reduced', 'other']),
  /** How the report labels the column: "SNEMI3D", "synthetic, reduced protocol", ... */
  label: z.string().min(1),
  image: VolumeFileSchema,
  labels: VolumeFileSchema,
  /** Voxel size of the files (z, y, x) in nm, as declared; null when unknown (synthetic). */
  voxelNm: triple.nullable(),
  /** Seed of the synthetic volume generator (synthetic only). */
  syntheticSeed: z.number().int().nullable(),
});

/** The protocol the numbers were measured under (the paper's §4.1 plus what it leaves unsaid). */
export const AccuracyProtocolSchema = z.object({
  anisotropy: z.object({
    /** Target z/xy anisotropy; null when the volume was used as read. */
    target: z.number().positive().nullable(),
    mode: z.enum(['downsample-xy', 'upsample-z']).nullable(),
    imageInterpolation: z.enum(['area', 'linear']).nullable(),
    /** Voxel size after rescaling, (z, y, x) nm; null when unknown. */
    voxelNm: triple.nullable(),
    /** Volume shape after rescaling, (z, y, x). */
    shape: intTriple,
  }),
  split: z.object({
    axis: z.enum(['z', 'y', 'x']),
    fraction: z.number().gt(0).lt(1),
    trainShape: intTriple,
    validationShape: intTriple,
  }),
  /** Augmentations applied to training patches, e.g. ['flip-zyx', 'transpose-xy', 'grayscale']. */
  augmentations: z.array(z.string().min(1)),
  patch: intTriple,
  batch: positiveInt,
  /** Training iterations per model and seed (the reduced protocol's budget when synthetic). */
  iterations: positiveInt,
  /** Validation every this many iterations. */
  validateEvery: positiveInt,
  optimizer: z.string().min(1),
  learningRate: z.number().positive(),
  /** The affinity offsets (dz, dy, dx) of the output maps, in channel order. */
  offsets: z.array(z.tuple([z.number().int(), z.number().int(), z.number().int()])).min(1),
  /** What "accuracy" means here (see @unet3d/metrics PAPER_ACCURACY_DEFINITION). */
  accuracy: z.object({ channels: z.array(z.number().int().nonnegative()).min(1), threshold: z.number() }),
  /** How the segmentation scored by the adapted Rand error was made from predicted affinities. */
  segmentation: z.object({ method: z.enum(['connected-components']), threshold: z.number() }),
});

/** One validation pass during or after training. */
export const ValidationPointSchema = z.object({
  iteration: z.number().int().nonnegative(),
  trainLoss: z.number().nonnegative().nullable(),
  validationLoss: z.number().nonnegative().nullable(),
  /** Voxel accuracy under protocol.accuracy, in [0, 1]. */
  accuracy: fraction,
});

/** One model trained with one seed and evaluated on the validation part. */
export const AccuracyRunSchema = z.object({
  /** Table 1 row id (as in the bench results), e.g. the paper's row this model reproduces. */
  rowId: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'lowercase letters, digits and dashes'),
  model: z.string().min(1),
  seed: z.number().int(),
  status: z.enum(['ok', 'failed']),
  /** One line when status is 'failed'. */
  error: z.string().nullable(),
  trainSeconds: z.number().nonnegative().nullable(),
  history: z.array(ValidationPointSchema),
  /** Final validation metrics; null when the run failed. */
  final: z
    .object({
      accuracy: fraction,
      /** Same threshold over all output maps, for comparison. */
      accuracyAllMaps: fraction.nullable(),
      adaptedRandError: fraction,
      randPrecision: fraction,
      randRecall: fraction,
      /** Segments in the predicted segmentation of the validation part. */
      segments: z.number().int().nonnegative(),
    })
    .nullable(),
});

const statsSchema = z.object({
  mean: z.number(),
  /** Sample standard deviation over seeds (n − 1); null with one seed. */
  std: z.number().nonnegative().nullable(),
  min: z.number(),
  max: z.number(),
  n: positiveInt,
});

/** Per model (Table 1 row): mean and spread over its successful seeds. */
export const AccuracySummarySchema = z.object({
  rowId: z.string().min(1),
  model: z.string().min(1),
  accuracy: statsSchema,
  adaptedRandError: statsSchema,
});

/** An accuracy run file: provenance, data, protocol, one entry per (model, seed), and per-model summaries. */
export const AccuracyResultsSchema = z
  .object({
    schemaVersion: z.literal(ACCURACY_SCHEMA_VERSION),
    kind: z.literal('accuracy'),
    provenance: z.object({
      date: z.iso.datetime({ offset: true }),
      gitCommit: z
        .string()
        .regex(/^[0-9a-f]{7,40}$/)
        .nullable(),
      gitDirty: z.boolean().nullable(),
      command: z.array(z.string()),
      device: DeviceInfoSchema,
      host: HostInfoSchema,
      runtimes: z.object({ node: z.string().min(1) }).catchall(z.string().nullable()),
      packages: z.record(z.string(), z.string()),
      notes: z.array(z.string()).default([]),
    }),
    data: AccuracyDataSchema,
    protocol: AccuracyProtocolSchema,
    runs: z.array(AccuracyRunSchema).min(1),
    summary: z.array(AccuracySummarySchema),
  })
  .superRefine((file, ctx) => {
    const seen = new Set<string>();
    file.runs.forEach((run, i) => {
      const key = `${run.rowId}#${run.seed}`;
      if (seen.has(key)) ctx.addIssue({ code: 'custom', path: ['runs', i], message: `duplicate run ${key}` });
      seen.add(key);
      if (run.status === 'failed' && !run.error) {
        ctx.addIssue({ code: 'custom', path: ['runs', i, 'error'], message: 'a failed run needs its error' });
      }
      if (run.status === 'ok' && run.final === null) {
        ctx.addIssue({
          code: 'custom',
          path: ['runs', i, 'final'],
          message: 'an ok run needs final metrics',
        });
      }
    });
    const rows = new Set(file.runs.map((r) => r.rowId));
    file.summary.forEach((s, i) => {
      if (!rows.has(s.rowId))
        ctx.addIssue({ code: 'custom', path: ['summary', i, 'rowId'], message: `no runs for '${s.rowId}'` });
      const ok = file.runs.filter((r) => r.rowId === s.rowId && r.status === 'ok').length;
      if (s.accuracy.n !== ok || s.adaptedRandError.n !== ok) {
        ctx.addIssue({
          code: 'custom',
          path: ['summary', i],
          message: `summary of '${s.rowId}' counts ${s.accuracy.n} seeds but ${ok} runs are ok`,
        });
      }
    });
  });

export type AccuracyResults = z.infer<typeof AccuracyResultsSchema>;
export type AccuracyResultsInput = z.input<typeof AccuracyResultsSchema>;
export type AccuracyRun = z.infer<typeof AccuracyRunSchema>;
export type AccuracySummary = z.infer<typeof AccuracySummarySchema>;
