import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DataFileError, errorToOneLine } from '@unet3d/core';
import { afterAll, describe, expect, it } from 'vitest';
import { generateSyntheticVolume } from '../synthetic-volume.js';
import { writeHdf5Volumes } from './hdf5-writer.js';
import { writeLabelledVolumeFiles } from './labelled-volume-files.js';
import {
  openVolume,
  readImageVolume,
  readLabelledVolume,
  readLabelVolume,
  volumeFileSha256,
} from './open-volume.js';
import { writeTiffStack } from './tiff-writer.js';
import type { VolumeArray } from './volume-reader.js';
import { parseVolumeSource } from './volume-source.js';

const FIX = fileURLToPath(new URL('../../fixtures/', import.meta.url));
const f = (name: string) => join(FIX, name);
/** Numbers written by scripts/fixtures/make-em-fixtures.py (tifffile/h5py/numpy), not by our readers. */
interface Described {
  shape: number[];
  dtype: string;
  sha256: string;
  sliceSums: number[];
}
const META = JSON.parse(readFileSync(f('em-fixtures.json'), 'utf8')) as Record<string, Described>;

const tmp = mkdtempSync(join(tmpdir(), 'unet3d-io-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function sha256(a: VolumeArray): string {
  return createHash('sha256')
    .update(Buffer.from(a.buffer, a.byteOffset, a.byteLength))
    .digest('hex');
}
function sliceSums(a: VolumeArray, plane: number): number[] {
  const sums: number[] = [];
  for (let z = 0; z < a.length / plane; z++) {
    let s = 0;
    for (let i = z * plane; i < (z + 1) * plane; i++) s += Number(a[i]);
    sums.push(s);
  }
  return sums;
}
/** The values of a volume array (numbers, or bigints for 64-bit ids). */
function list(a: VolumeArray): (number | bigint)[] {
  return Array.from(a as ArrayLike<number | bigint>);
}
async function readAll(spec: string) {
  const r = await openVolume(spec);
  try {
    return { shape: r.shape, dtype: r.dtype, data: await r.readSlices(0, r.shape[0]) };
  } finally {
    await r.close();
  }
}
async function oneLineError(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(DataFileError);
    const line = errorToOneLine(err);
    expect(line).not.toContain('\n');
    return line;
  }
  throw new Error('expected a DataFileError');
}

const CASES = [
  ['image', 'em-image.tif', 'em.h5:/volumes/raw'],
  ['labels16', 'em-labels16.tif', 'em.h5:/volumes/labels/neuron_ids16'],
  ['labels32', 'em-labels32.tif', 'em.h5:/volumes/labels/neuron_ids32'],
] as const;

describe('readers on files written by tifffile and h5py', () => {
  for (const [key, tif, h5] of CASES) {
    it(`${key}: TIFF and HDF5 give exactly what Python wrote`, async () => {
      const m = META[key]!;
      for (const spec of [f(tif), f(h5)]) {
        const { shape, dtype, data } = await readAll(spec);
        expect(shape).toEqual(m.shape);
        expect(dtype).toBe(m.dtype);
        expect(sliceSums(data, shape[1] * shape[2])).toEqual(m.sliceSums);
        expect(sha256(data)).toBe(m.sha256);
      }
    });
  }

  it('TIFF and HDF5 readers give identical arrays, whole and by z range', async () => {
    for (const [, tif, h5] of CASES) {
      const a = await readAll(f(tif));
      const b = await readAll(f(h5));
      expect(list(b.data)).toEqual(list(a.data));
      const plane = a.shape[1] * a.shape[2];
      for (const spec of [f(tif), f(h5)]) {
        const r = await openVolume(spec);
        const part = await r.readSlices(5, 9);
        await r.close();
        expect(list(part)).toEqual(list(a.data.subarray(5 * plane, 9 * plane)));
      }
    }
  });

  it('reads an image + labels pair as float intensities and uint32 ids, with a z range', async () => {
    const v = await readLabelledVolume(f('em-image.tif'), f('em.h5:/volumes/labels/neuron_ids32'), {
      zRange: [2, 4],
    });
    expect(v.shape).toEqual([2, 48, 48]);
    let s = 0;
    for (let i = 0; i < 48 * 48; i++) s += Math.round(v.image[i]! * 255);
    expect(s).toBe(META.image!.sliceSums[2]);
    let l = 0;
    for (let i = 48 * 48; i < 2 * 48 * 48; i++) l += v.labels[i]!;
    expect(l).toBe(META.labels32!.sliceSums[3]);
  });
});

describe('bad input: one line naming the file and the problem', () => {
  it('labels that are not integers', async () => {
    const line = await oneLineError(readLabelVolume(f('em-float-labels.tif')));
    expect(line).toContain('em-float-labels.tif');
    expect(line).toContain('float32, not integers');
  });

  it('an image that is not an image dtype', async () => {
    const line = await oneLineError(readImageVolume(f('em-labels32.tif')));
    expect(line).toContain('em-labels32.tif: image voxels are uint32');
  });

  it('image and labels of different shapes', async () => {
    const line = await oneLineError(readLabelledVolume(f('em-image.tif'), f('em-float-labels.tif')));
    expect(line).toContain('em-image.tif is [20,48,48]');
    expect(line).toContain('em-float-labels.tif are [2,8,8]');
  });

  it('a truncated TIFF', async () => {
    const bytes = readFileSync(f('em-labels32.tif'));
    const path = join(tmp, 'cut.tif');
    writeFileSync(path, bytes.subarray(0, 50_000));
    const line = await oneLineError(readLabelVolume(path));
    expect(line).toContain('cut.tif');
    expect(line).toMatch(/truncated/);
  });

  it('a truncated HDF5 file, a missing dataset, a group, a missing file, a TIFF given as HDF5', async () => {
    const path = join(tmp, 'cut.h5');
    writeFileSync(path, readFileSync(f('em.h5')).subarray(0, 60_000));
    expect(await oneLineError(openVolume(`${path}:/volumes/raw`))).toMatch(/cut\.h5: .*truncated file/);
    expect(await oneLineError(openVolume(`${f('em.h5')}:/volumes/nope`))).toContain(
      'em.h5:/volumes/nope: no such dataset',
    );
    expect(await oneLineError(openVolume(`${f('em.h5')}:/volumes`))).toContain('is a group');
    expect(await oneLineError(openVolume(join(tmp, 'none.tif')))).toContain('none.tif: no such file');
    const fake = join(tmp, 'fake.h5');
    writeFileSync(fake, readFileSync(f('em-image.tif')));
    expect(await oneLineError(openVolume(`${fake}:/x`))).toContain('fake.h5: not a readable HDF5 file');
  });

  it('volume arguments', () => {
    expect(parseVolumeSource('a/b.h5:/volumes/raw')).toEqual({
      path: 'a/b.h5',
      format: 'hdf5',
      dataset: '/volumes/raw',
    });
    expect(parseVolumeSource('x.TIFF')).toEqual({ path: 'x.TIFF', format: 'tiff' });
    expect(() => parseVolumeSource('x.h5')).toThrow(/needs a dataset path/);
    expect(() => parseVolumeSource('x.png')).toThrow(/unknown volume format/);
  });
});

describe('writers', () => {
  it('TIFF and HDF5 round trips of uint8/uint16/uint32 volumes', async () => {
    const shape = [3, 5, 7] as const;
    const n = 105;
    const vols = [
      new Uint8Array(n).map((_, i) => (i * 37) % 256),
      new Uint16Array(n).map((_, i) => i * 613),
      new Uint32Array(n).map((_, i) => i * 40_000_000),
    ];
    for (const [k, data] of vols.entries()) {
      const tif = join(tmp, `w${k}.tif`);
      await writeTiffStack(tif, data, [...shape]);
      const back = await readAll(tif);
      expect(back.shape).toEqual(shape);
      expect(list(back.data)).toEqual(Array.from(data));
    }
    const h5 = join(tmp, 'w.h5');
    await writeHdf5Volumes(
      h5,
      vols.map((data, k) => ({
        name: `/v/d${k}`,
        data,
        shape: [...shape] as [number, number, number],
        gzip: k,
      })),
    );
    for (const [k, data] of vols.entries()) {
      expect(list((await readAll(`${h5}:/v/d${k}`)).data)).toEqual(Array.from(data));
    }
    expect(await volumeFileSha256(`${h5}:/v/d0`)).toBe(
      createHash('sha256').update(readFileSync(h5)).digest('hex'),
    );
  });

  it('refuses data that does not fill the shape, and leaves no file', async () => {
    const path = join(tmp, 'bad.tif');
    await expect(writeTiffStack(path, new Uint8Array(10), [2, 2, 2])).rejects.toThrow(
      /10 voxels do not fill/,
    );
    await expect(
      writeHdf5Volumes(join(tmp, 'bad.h5'), [{ name: '/x', data: new Uint8Array(3), shape: [1, 1, 2] }]),
    ).rejects.toThrow(/3 voxels do not fill/);
    expect(() => readFileSync(path)).toThrow();
  });
});

describe('synthetic volumes written to files (the reduced protocol)', () => {
  it('read back identically from TIFF and HDF5, image within half a grey level', async () => {
    const v = generateSyntheticVolume({ shape: [6, 20, 24], seed: 9 });
    const files = await writeLabelledVolumeFiles(join(tmp, 'synth'), v, 'synth');
    const a = await readLabelledVolume(files.tiff.image, files.tiff.labels);
    const b = await readLabelledVolume(files.hdf5.image, files.hdf5.labels);
    expect(a.shape).toEqual([6, 20, 24]);
    expect(Array.from(a.labels)).toEqual(Array.from(v.labels));
    expect(Array.from(b.labels)).toEqual(Array.from(v.labels));
    expect(Array.from(b.image)).toEqual(Array.from(a.image));
    let worst = 0;
    for (let i = 0; i < v.image.length; i++) {
      const clipped = Math.min(1, Math.max(0, v.image[i]!));
      worst = Math.max(worst, Math.abs(a.image[i]! - clipped));
    }
    expect(worst).toBeLessThanOrEqual(0.5 / 255 + 1e-7);
  });
});
