import { ShapeError } from '@unet3d/core';
import { createReferenceBackend } from '@unet3d/core/testing';
import { CpuDevice } from '@unet3d/cpu';
import { buildNetwork } from '@unet3d/model';
import { createTrainer } from '@unet3d/train';
import { afterAll, describe, expect, it } from 'vitest';
import { assertRowGeometry } from './row-geometry.js';
import { TABLE1_ROWS } from './table1-rows.js';

const device = new CpuDevice({ native: 'off' });
const backend = createReferenceBackend(device);

/** The oracle: what a row's child does before its first step (build the network, create the trainer). */
async function childAccepts(model: string, patch: [number, number, number], batch: number): Promise<boolean> {
  let trainer: Awaited<ReturnType<typeof createTrainer>> | undefined;
  try {
    trainer = await createTrainer({
      network: buildNetwork({ model, input: patch, batch }),
      device,
      backend,
      prepare: false,
    });
    return true;
  } catch (err) {
    if (err instanceof ShapeError) return false;
    throw err;
  } finally {
    trainer?.dispose();
  }
}

function checkAccepts(rowId: string, patch: [number, number, number], batch: number): boolean {
  try {
    assertRowGeometry(TABLE1_ROWS.find((r) => r.id === rowId)!, patch, batch);
    return true;
  } catch (err) {
    expect(err).toBeInstanceOf(ShapeError);
    expect((err as ShapeError).toOneLine()).not.toContain('\n');
    return false;
  }
}

describe('assertRowGeometry (the up-front patch check)', () => {
  afterAll(() => device.dispose());

  it('accepts exactly the patches and batches a row child accepts (every model, small patches, batch 1 and 2)', async () => {
    const patches: [number, number, number][] = [
      [16, 16, 16],
      [16, 32, 32],
      [32, 16, 16],
      [16, 64, 64],
      [8, 32, 32],
      [16, 48, 48],
    ];
    // One row per model; the trainer (not this check) decides.
    const rows = ['baseline-cudnn', 'strided-cudnn', 'scaled-tvm'];
    const seen = { accepted: 0, rejected: 0 };
    for (const id of rows) {
      const model = TABLE1_ROWS.find((r) => r.id === id)!.model;
      for (const patch of patches) {
        for (const batch of [1, 2]) {
          const mine = checkAccepts(id, patch, batch);
          const oracle = await childAccepts(model, patch, batch);
          expect({ id, patch, batch, accepted: mine }).toEqual({ id, patch, batch, accepted: oracle });
          seen[mine ? 'accepted' : 'rejected']++;
        }
      }
    }
    // Both answers occur, and the cases the old check (buildNetwork alone) let through are among the no's.
    expect(seen.accepted).toBeGreaterThan(5);
    expect(seen.rejected).toBeGreaterThan(5);
    expect(checkAccepts('baseline-cudnn', [16, 16, 16], 1)).toBe(false);
    expect(checkAccepts('baseline-cudnn', [16, 16, 16], 2)).toBe(true);
    expect(() => buildNetwork({ model: 'baseline', input: [16, 16, 16], batch: 1 })).not.toThrow();
  });
});
