import { ShapeError, Unet3dError } from '@unet3d/core';
import { buildNetwork } from '@unet3d/model';
import { assertTrainable } from '@unet3d/train';
import type { Table1Row } from './table1-rows.js';

/**
 * Check, before any child starts, that a row's network can be trained at this patch and batch: the same
 * checks its child makes before measuring (`buildNetwork`: the pooling must divide the patch, in-plane ×2
 * after a strided embedding; `assertTrainable`, which `createTrainer` calls: every training-mode batch norm
 * needs more than one value per channel). Throws ShapeError, one line naming the row, the patch, the layer
 * and the fix.
 */
export function assertRowGeometry(
  row: Table1Row,
  patch: readonly [number, number, number],
  batch: number,
): void {
  try {
    assertTrainable(buildNetwork({ model: row.model, input: patch, batch }));
  } catch (err) {
    if (!(err instanceof Unet3dError)) throw err;
    throw new ShapeError(
      `patch ${patch.join(',')} (batch ${batch}) does not fit row '${row.id}' (${row.model} network): ${err.message}`,
      err.hint,
    );
  }
}
