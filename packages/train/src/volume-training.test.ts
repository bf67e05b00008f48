/**
 * A real volume pair, not synthetic data: the 20-slice TIFF image + label pair written by Python's tifffile trains for a few
 * iterations and evaluates; the same data from the HDF5 file (h5py) gives the same losses to 1e-6.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createReferenceBackend } from '@unet3d/core/testing';
import { CpuDevice } from '@unet3d/cpu';
import { parseSplit, readProtocolVolume, splitVolume } from '@unet3d/data';
import { buildResidualSymmetricUnet } from '@unet3d/model';
import { describe, expect, it } from 'vitest';
import { runTraining, type TrainingSummary } from './loop.js';
import { plainReporter } from './progress-reporter.js';
import { VolumeData } from './volume-data.js';

const fixtures = join(dirname(fileURLToPath(import.meta.url)), '../../data/fixtures');

async function trainOn(
  image: string,
  labels: string,
): Promise<{ summary: TrainingSummary; notes: string[] }> {
  const read = await readProtocolVolume(image, labels);
  expect(read.volume.shape).toEqual([20, 48, 48]);
  const { train, validation } = splitVolume(read.volume, parseSplit('x:0.8'));
  const patch: [number, number, number] = [8, 16, 16];
  const channels = [4, 4, 4];
  const network = buildResidualSymmetricUnet({
    name: 'tiny',
    strided: true,
    channels,
    input: patch,
    batch: 2,
  });
  const device = new CpuDevice();
  const notes: string[] = [];
  const summary = await runTraining({
    config: { model: 'tiny', channels, input: patch, batch: 2, seed: 4, lr: 0.01, data: 'files:fixture' },
    network,
    device,
    backend: createReferenceBackend(device),
    iterations: 3,
    checkpointEvery: 1000,
    data: new VolumeData({ train, patch, batch: 2, seed: 4 }),
    validation: { volume: validation, every: 2 },
    reporter: plainReporter((s) => notes.push(s)),
  });
  expect(device.memoryStats().currentBytes).toBe(0);
  return { summary, notes };
}

describe('training on EM volume files', () => {
  it('the TIFF pair trains and evaluates; the HDF5 copy gives the same losses to 1e-6', async () => {
    const tiff = await trainOn(join(fixtures, 'em-image.tif'), join(fixtures, 'em-labels32.tif'));
    const h5 = join(fixtures, 'em.h5');
    const hdf5 = await trainOn(`${h5}:/volumes/raw`, `${h5}:/volumes/labels/neuron_ids32`);
    const { summary } = tiff;
    expect(summary.losses).toHaveLength(3);
    for (const l of summary.losses) expect(l).toBeGreaterThan(0);
    for (const [i, l] of hdf5.summary.losses.entries())
      expect(Math.abs(l - summary.losses[i]!)).toBeLessThan(1e-6);
    // Validation after iteration 2 and after the last one, on the 20×48×10 validation part.
    expect(summary.validation.map((v) => v.iteration)).toEqual([2, 3]);
    expect(summary.validation[0]!.trainLoss).toBeCloseTo((summary.losses[0]! + summary.losses[1]!) / 2, 12);
    expect(summary.validation[1]!.trainLoss).toBeCloseTo(summary.losses[2]!, 12);
    const last = summary.validation[1]!;
    expect(summary.heldOutAccuracy).toBe(last.accuracy);
    for (const v of [last.accuracy, last.accuracyAllMaps, last.adaptedRandError]) {
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThanOrEqual(1);
    }
    expect(last.segments).toBeGreaterThan(0);
    expect(hdf5.summary.validation[1]!.accuracy).toBe(last.accuracy);
    expect(tiff.notes.filter((n) => n.startsWith('validation at iteration'))).toHaveLength(2);
  });
});
