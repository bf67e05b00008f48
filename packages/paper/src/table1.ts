/**
 * Table 1 of Zhuang et al., "Optimizing the Computational Efficiency of 3D Segmentation Models for
 * Connectomics", as printed (NVIDIA TITAN X, PyTorch/cuDNN vs AutoTVM, batch 1 × 64×128×128). These are the
 * paper's numbers, shown only in columns labelled "paper"; nothing we measure is taken from here. This is
 * the one source file in the repository where they are typed.
 *
 * GFLOP counts one multiply-accumulate as one operation (the paper's O(l) = h·w·c²·bs·kh·kw, conv forward +
 * backward-data + backward-filter); GFLOP/s is that divided by the time per iteration.
 */

/** The paper's networks (the names of `@unet3d/model`'s presets). */
export type PaperModel = 'baseline' | 'strided' | 'scaled';

/** The two implementations the paper timed. */
export const PAPER_IMPLEMENTATIONS = ['pytorch-cudnn', 'tvm'] as const;
export type PaperImplementation = (typeof PAPER_IMPLEMENTATIONS)[number];

/** The paper's training patch (D, H, W) and batch: Table 1's configuration. */
export const DEFAULT_PATCH: readonly [number, number, number] = [64, 128, 128];
export const DEFAULT_BATCH = 1;

export interface PaperTable1Row {
  readonly paperRow: 1 | 2 | 3 | 4;
  /** Our stable id for the row (results files, `bench --rows`). */
  readonly id: string;
  /** The network of the row (a `@unet3d/model` preset). */
  readonly model: PaperModel;
  readonly strided: boolean;
  readonly channels: readonly number[];
  readonly implementation: PaperImplementation;
  /** Accuracy in percent as printed. */
  readonly accuracyPercent: number;
  /** GFLOP per iteration, 1 MAC = 1 operation, at DEFAULT_PATCH × DEFAULT_BATCH. */
  readonly gflop: number;
  readonly gflopPerSecond: number;
  readonly timeSeconds: number;
}

export const PAPER_TABLE1: readonly PaperTable1Row[] = [
  {
    paperRow: 1,
    id: 'baseline-cudnn',
    model: 'baseline',
    strided: false,
    channels: [24, 32, 48, 72, 104],
    implementation: 'pytorch-cudnn',
    accuracyPercent: 92.63,
    gflop: 430.66,
    gflopPerSecond: 607.25,
    timeSeconds: 0.71,
  },
  {
    paperRow: 2,
    id: 'strided-cudnn',
    model: 'strided',
    strided: true,
    channels: [24, 32, 48, 72, 104],
    implementation: 'pytorch-cudnn',
    accuracyPercent: 92.57,
    gflop: 97.02,
    gflopPerSecond: 599.92,
    timeSeconds: 0.16,
  },
  {
    paperRow: 3,
    id: 'scaled-cudnn',
    model: 'scaled',
    strided: true,
    channels: [24, 64, 192, 192, 192],
    implementation: 'pytorch-cudnn',
    accuracyPercent: 93.08,
    gflop: 211.24,
    gflopPerSecond: 983.35,
    timeSeconds: 0.21,
  },
  {
    paperRow: 4,
    id: 'scaled-tvm',
    model: 'scaled',
    strided: true,
    channels: [24, 64, 192, 192, 192],
    implementation: 'tvm',
    accuracyPercent: 93.08,
    gflop: 211.24,
    gflopPerSecond: 1627.13,
    timeSeconds: 0.13,
  },
];

/** The device the paper measured on and its quoted peak (for captions only). */
export const PAPER_DEVICE = 'NVIDIA TITAN X (paper: 10 TFLOP/s peak)';
