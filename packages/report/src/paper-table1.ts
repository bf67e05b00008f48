import { PAPER_TABLE1_GFLOP } from '@unet3d/flops';
import type { ModelName } from '@unet3d/model';

/**
 * Table 1 of Zhuang et al. as printed in the paper (NVIDIA TITAN X, PyTorch/cuDNN vs AutoTVM). These are
 * the paper's numbers, shown only in columns labelled "paper"; nothing we measure is taken from here.
 * GFLOP counts one multiply-accumulate as one operation; GFLOP/s is that divided by the time.
 */
export interface PaperTable1Row {
  readonly paperRow: 1 | 2 | 3 | 4;
  /** Our stable id for the row (results files, `bench --rows`). */
  readonly id: string;
  /** The network of the row (@unet3d/model). */
  readonly model: ModelName;
  readonly strided: boolean;
  readonly channels: readonly number[];
  readonly implementation: 'pytorch-cudnn' | 'tvm';
  /** Accuracy in percent as printed. */
  readonly accuracyPercent: number;
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
    gflop: PAPER_TABLE1_GFLOP.baseline,
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
    gflop: PAPER_TABLE1_GFLOP.strided,
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
    gflop: PAPER_TABLE1_GFLOP.scaled,
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
    gflop: PAPER_TABLE1_GFLOP.scaled,
    gflopPerSecond: 1627.13,
    timeSeconds: 0.13,
  },
];

/** The device the paper measured on and its quoted peak (for captions only). */
export const PAPER_DEVICE = 'NVIDIA TITAN X (paper: 10 TFLOP/s peak)';

export const IMPLEMENTATION_LABEL: Record<PaperTable1Row['implementation'], string> = {
  'pytorch-cudnn': 'PyTorch (cuDNN)',
  tvm: 'TVM (AutoTVM-tuned)',
};

/** Backends that are the paper's implementation for a row (registry names). */
export const PAPER_BACKENDS: Record<PaperTable1Row['implementation'], readonly string[]> = {
  'pytorch-cudnn': ['cudnn'],
  tvm: ['tvm'],
};
