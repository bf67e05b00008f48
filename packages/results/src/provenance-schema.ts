import { z } from 'zod';
import { DeviceIdentitySchema } from './device-identity.js';
import { QuietnessSchema } from './quietness-schema.js';

const nonNegative = z.number().nonnegative();
const positiveInt = z.number().int().positive();

/**
 * This CPU's roofs measured at bench time, the roofline and per-op bandwidth references: fp32 peak from a fused-multiply-add loop on every
 * core and memory bandwidth from copy / read / triad loops over buffers larger than the last-level cache
 * (STREAM's byte counting), both built with the system C compiler (`@unet3d/native` measureCpuProfile).
 */
export const MeasuredCpuProfileSchema = z.object({
  /** 'FMA loop / copy loop': how the numbers were obtained (the report prints it). */
  method: z.string().min(1),
  peakFp32FlopsPerSecond: z.number().positive(),
  copyBytesPerSecond: z.number().positive(),
  readBytesPerSecond: z.number().positive(),
  triadBytesPerSecond: z.number().positive(),
  /** Bytes per bandwidth buffer. */
  bufferBytes: positiveInt,
  /** OpenMP threads of the loops. */
  threads: positiveInt,
  /** The compiler's version text. */
  compiler: z.string().min(1),
  /** Detected CPU features (avx2, fma, avx512f, ..., vectorWidthFp32). */
  features: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
  /** How quiet the machine was while the roofs were measured (absent in older files). */
  quietness: QuietnessSchema.optional(),
});

/** The machine the timed rows ran on. GPU fields are null on a CPU run (present, so absence is explicit). */
export const DeviceInfoSchema = z.object({
  kind: z.enum(['cpu', 'cuda']),
  /** GPU name or CPU model, as the Device reports it. */
  name: z.string().min(1),
  /** Logical cores the run used (CPU) or the host's cores (GPU run). */
  cores: positiveInt.nullable(),
  gpuName: z.string().nullable(),
  driverVersion: z.string().nullable(),
  cudaVersion: z.string().nullable(),
  cudnnVersion: z.string().nullable(),
  computeCapability: z.string().nullable(),
  /** Device memory (GPU) or host memory (CPU), bytes. */
  memoryBytes: nonNegative.nullable(),
  /** Id of the @unet3d/flops device profile (peak FLOP/s, bandwidth) that applies, if one matches. */
  profile: z.string().nullable(),
  /** Anything else the Device's describe() returned. */
  details: z.record(z.string(), z.union([z.string(), z.number()])).default({}),
  /** CPU runs: the measured roofs, or null when they could not be measured (e.g. no C compiler). */
  measured: MeasuredCpuProfileSchema.nullable().optional(),
  /**
   * Who the device is (vendor, microarchitecture, ISA level, cores; a GPU's name, SM, memory, driver). Absent in
   * files from before identities were recorded: `identityOfDevice` infers what it can from the rest.
   */
  identity: DeviceIdentitySchema.optional(),
});

export const HostInfoSchema = z.object({
  os: z.string().min(1),
  arch: z.string().min(1),
  cpuModel: z.string().min(1),
  cores: positiveInt,
  memoryBytes: nonNegative,
});

/** Time the harness itself takes per timed call (an empty timed region), to judge small per-layer times. */
export const HarnessOverheadSchema = z.object({
  method: z.string().min(1),
  samplesMs: z.array(nonNegative).min(1),
  medianMs: nonNegative,
});

export const TimingConfigSchema = z.object({
  /** Timed iterations per row (each is one sample of samplesMs). */
  iterations: positiveInt,
  warmupIterations: z.number().int().nonnegative(),
  /** 'cuda-events', 'performance.now', ... */
  clock: z.string().min(1),
  /** How rows were isolated from each other, e.g. 'child-process-per-row'. */
  isolation: z.string().min(1),
  seed: z.number().int().nullable(),
});

const nonNegativeInt = z.number().int().nonnegative();

/**
 * How `unet3d bench` was asked to run, beyond what the rest of the provenance records (patch, batch,
 * precision, seed): what `bench --resume FILE` needs to measure the rows still missing the same way.
 */
export const BenchSettingsSchema = z.object({
  /** The requested row ids, in the order they run. */
  rows: z.array(z.string().min(1)).min(1),
  /** The `--backends` value: 'auto', one backend for every row, or 'cudnn=…,tvm=…'. */
  backends: z.string().min(1),
  quick: z.boolean(),
  /** Iteration counts given on the command line (one left out: the default of the row's device). */
  requested: z.object({
    iterations: positiveInt.optional(),
    warmupIterations: nonNegativeInt.optional(),
    profileIterations: nonNegativeInt.optional(),
  }),
  /** The counts every row runs with, fixed by the first row measured (absent until a row is measured). */
  counts: z
    .object({ iterations: positiveInt, warmupIterations: nonNegativeInt, profileIterations: nonNegativeInt })
    .optional(),
});

export const ProvenanceSchema = z.object({
  /** When the run started, ISO 8601 with offset. */
  date: z.iso.datetime({ offset: true }),
  gitCommit: z
    .string()
    .regex(/^[0-9a-f]{7,40}$/)
    .nullable(),
  gitDirty: z.boolean().nullable(),
  /** The command line that produced this file. */
  command: z.array(z.string()),
  device: DeviceInfoSchema,
  host: HostInfoSchema,
  /** Runtime versions: node (required), onnxruntime, tvm, ... (null when not loaded). */
  runtimes: z.object({ node: z.string().min(1) }).catchall(z.string().nullable()),
  /** Versions of our packages, e.g. { "@unet3d/bench": "0.1.0" }. */
  packages: z.record(z.string(), z.string()),
  /** Training patch [D, H, W] and batch size. */
  patch: z.tuple([positiveInt, positiveInt, positiveInt]),
  batch: positiveInt,
  /** Math mode of the convolutions: fp32 (what the paper measured), tf32, bf16. */
  precision: z.enum(['fp32', 'tf32', 'bf16']),
  timing: TimingConfigSchema,
  harnessOverhead: HarnessOverheadSchema,
  notes: z.array(z.string()).default([]),
  /** Written by `unet3d bench` (absent in files from before `--resume`). */
  bench: BenchSettingsSchema.optional(),
});

export type DeviceInfo = z.infer<typeof DeviceInfoSchema>;
export type MeasuredCpuProfile = z.infer<typeof MeasuredCpuProfileSchema>;
export type HostInfo = z.infer<typeof HostInfoSchema>;
export type HarnessOverhead = z.infer<typeof HarnessOverheadSchema>;
export type TimingConfig = z.infer<typeof TimingConfigSchema>;
export type Provenance = z.infer<typeof ProvenanceSchema>;
export type BenchSettings = z.infer<typeof BenchSettingsSchema>;
