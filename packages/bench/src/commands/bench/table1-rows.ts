import { PAPER_TABLE1 } from '@unet3d/paper';

/** One row of the paper's Table 1 to measure: its id, network and the implementation the paper timed. */
export interface Table1Row {
  readonly id: string;
  readonly paperRow: 1 | 2 | 3 | 4;
  readonly model: (typeof PAPER_TABLE1)[number]['model'];
  readonly paperImplementation: (typeof PAPER_TABLE1)[number]['implementation'];
}

/** The four rows, from the one description (@unet3d/paper) of the paper's table. */
export const TABLE1_ROWS: readonly Table1Row[] = PAPER_TABLE1.map((p) => ({
  id: p.id,
  paperRow: p.paperRow,
  model: p.model,
  paperImplementation: p.implementation,
}));
