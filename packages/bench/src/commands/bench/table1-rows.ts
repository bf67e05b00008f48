import type { ModelName } from '@unet3d/model';
import type { PaperImplementation } from '@unet3d/results';

/** One row of the paper's Table 1: a network and the implementation the paper timed it with. */
export interface Table1Row {
  /** Stable id used in results files and by `--rows`. */
  readonly id: string;
  readonly paperRow: 1 | 2 | 3 | 4;
  readonly model: ModelName;
  readonly paperImplementation: PaperImplementation;
}

export const TABLE1_ROWS: readonly Table1Row[] = [
  { id: 'baseline-cudnn', paperRow: 1, model: 'baseline', paperImplementation: 'pytorch-cudnn' },
  { id: 'strided-cudnn', paperRow: 2, model: 'strided', paperImplementation: 'pytorch-cudnn' },
  { id: 'scaled-cudnn', paperRow: 3, model: 'scaled', paperImplementation: 'pytorch-cudnn' },
  { id: 'scaled-tvm', paperRow: 4, model: 'scaled', paperImplementation: 'tvm' },
];
