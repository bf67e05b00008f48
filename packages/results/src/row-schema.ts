import { PAPER_IMPLEMENTATIONS } from '@unet3d/paper';
import { z } from 'zod';
import { PeerTimingSchema } from './peer-schema.js';
import { QuietnessSchema } from './quietness-schema.js';

const nonNegative = z.number().nonnegative();

export const PASS_KINDS = ['forward', 'backwardData', 'backwardFilter', 'other'] as const;
export type PassKind = (typeof PASS_KINDS)[number];

export const ROW_STATUSES = ['ok', 'failed', 'not-run'] as const;
export type RowStatus = (typeof ROW_STATUSES)[number];

export const SpreadSchema = z.object({
  min: nonNegative,
  p25: nonNegative,
  p75: nonNegative,
  max: nonNegative,
  iqr: nonNegative,
  mad: nonNegative,
});

/** GFLOP/s of a whole iteration, in both conventions. */
export const ThroughputSchema = z.object({
  /** 1 MAC = 1 op: the paper's convention. */
  macAsOneOp: nonNegative,
  /** 1 MAC = 2 FLOP. */
  macAsTwoFlop: nonNegative,
});

/**
 * Time of one layer in one pass. Conv layers have forward, backwardData and backwardFilter entries; other
 * layers (batch norm, ELU, pooling, ...) one entry with pass 'other' (forward and backward together).
 */
export const PerLayerTimingSchema = z.object({
  layer: z.string().min(1),
  pass: z.enum(PASS_KINDS),
  samplesMs: z.array(nonNegative),
  medianMs: nonNegative.nullable(),
  /** Multiply-accumulates of this pass (0 for non-conv layers). */
  macs: nonNegative,
  /**
   * Bytes the pass must move at least (inputs + weights + outputs), when the runner knows it. For a non-conv
   * ('other') entry: per iteration, the fewest bytes of the ops it timed (`@unet3d/flops` nonConvLayerBytes),
   * so bytes ÷ median time is the op's achieved bandwidth.
   */
  bytes: nonNegative.optional(),
  /**
   * Layers whose ops this entry's time includes through fused device calls (e.g. ['enc0.res', 'enc0.bn3',
   * 'enc0.elu3'] on the batch norm's entry); absent when the entry covers only its own layer.
   */
  fused: z.array(z.string().min(1)).optional(),
  /**
   * Op kinds of a non-conv entry: the kinds of the layers it covers joined with '+' in layer order
   * ('batchNorm', 'add+batchNorm+elu', 'bias' for a conv's bias, 'bias+elu'), or 'loss' / 'adam'.
   */
  opKind: z.string().min(1).optional(),
});

export const AccuracySchema = z.object({
  /** Fraction in [0, 1] (0.9263 = 92.63%). */
  value: z.number().min(0).max(1),
  /** Where it comes from, e.g. a training results file path and the metric. */
  source: z.string().min(1),
});

const RowObjectSchema = z.object({
  /** Stable row id, e.g. 'baseline-cudnn', 'strided-cudnn', 'scaled-cudnn', 'scaled-tvm'. */
  id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'lowercase letters, digits and dashes'),
  /** Which row of the paper's Table 1 this reproduces (1–4), or null for an extra row. */
  paperRow: z.number().int().min(1).max(4).nullable(),
  model: z.string().min(1),
  channels: z.array(z.number().int().positive()).min(1),
  strided: z.boolean(),
  /** The paper's implementation for this row. */
  paperImplementation: z.enum(PAPER_IMPLEMENTATIONS),
  /** The conv backend actually used (registry name, e.g. 'onnxruntime', 'cudnn', 'tvm'). */
  backend: z.string().min(1),
  /** Kind of device the backend ran on. */
  backendDevice: z.enum(['cpu', 'cuda']),
  backendDetails: z.record(z.string(), z.unknown()).default({}),
  status: z.enum(ROW_STATUSES),
  /** Why a row failed or was not run (one line). */
  reason: z.string().min(1).optional(),
  warmupIterations: z.number().int().nonnegative(),
  /** Every timed iteration, ms, in the order measured. */
  samplesMs: z.array(nonNegative),
  medianMs: nonNegative.nullable(),
  spread: SpreadSchema.nullable(),
  /** Conv MACs of one iteration: forward + backward-data + backward-filter. */
  iterationMacs: nonNegative,
  gflopPerSecond: ThroughputSchema.nullable(),
  perLayer: z.array(PerLayerTimingSchema),
  peakHostRssBytes: nonNegative.nullable(),
  peakDeviceBytes: nonNegative.nullable(),
  accuracy: AccuracySchema.optional(),
  /** The same row timed by a framework peer in the same run (`bench --peer`), when one was found. */
  peer: PeerTimingSchema.optional(),
  /** How quiet the machine was while this row was measured (absent in files from before it was recorded). */
  quietness: QuietnessSchema.optional(),
});

export const RowSchema = RowObjectSchema.superRefine((row, ctx) => {
  if (row.status === 'ok') {
    for (const key of ['medianMs', 'spread', 'gflopPerSecond'] as const) {
      if (row[key] === null) {
        ctx.addIssue({ code: 'custom', path: [key], message: `must be set when status is 'ok'` });
      }
    }
    if (row.samplesMs.length === 0) {
      ctx.addIssue({ code: 'custom', path: ['samplesMs'], message: `must not be empty when status is 'ok'` });
    }
  } else if (row.reason === undefined) {
    ctx.addIssue({ code: 'custom', path: ['reason'], message: `is required when status is '${row.status}'` });
  }
});

export type Spread = z.infer<typeof SpreadSchema>;
export type PerLayerTiming = z.infer<typeof PerLayerTimingSchema>;
export type Accuracy = z.infer<typeof AccuracySchema>;
export type BenchRow = z.infer<typeof RowSchema>;
/** A row as a writer may build it (fields with defaults may be left out). */
export type BenchRowInput = z.input<typeof RowSchema>;
