import { createHash } from 'node:crypto';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DataFileError, errorToOneLine } from '@unet3d/core';
import { afterAll, describe, expect, it } from 'vitest';
import { scanLabelIds } from './label-ids64.js';
import { openVolume, readImageVolume, readLabelledVolume, readLabelVolume } from './open-volume.js';
import type { VolumeArray } from './volume-reader.js';

const FIX = fileURLToPath(new URL('../../fixtures/formats/', import.meta.url));
const f = (name: string) => join(FIX, name);

/** What scripts/fixtures/make-em-format-fixtures.py (tifffile / h5py / numpy) says each file holds. */
interface Described {
  shape: number[];
  dtype: string;
  sha256: string;
  /** Exact sums of every z slice; strings for 64-bit integers. */
  sliceSums: (number | string)[];
  first: (number | string)[];
}
interface FileMeta extends Partial<Described> {
  refuse?: string;
  predictor?: number;
  values?: number[];
  labels?: Described;
  relabelled?: boolean;
  distinct?: number;
}
const META = (JSON.parse(readFileSync(f('formats.json'), 'utf8')) as { files: Record<string, FileMeta> })
  .files;
const entries = (test: (name: string, m: FileMeta) => boolean) =>
  Object.entries(META).filter(([name, m]) => test(name, m));

const tmp = mkdtempSync(join(tmpdir(), 'unet3d-formats-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const quiet = { onNote: () => {} };

function sha256(a: VolumeArray): string {
  return createHash('sha256')
    .update(Buffer.from(a.buffer, a.byteOffset, a.byteLength))
    .digest('hex');
}
/** Slice sums as the sidecar writes them: exact bigint strings for 64-bit ids, numbers otherwise. */
function sliceSums(a: VolumeArray, plane: number, big: boolean): (number | string)[] {
  const sums: (number | string)[] = [];
  for (let z = 0; z < a.length / plane; z++) {
    let s = 0;
    let b = 0n;
    for (let i = z * plane; i < (z + 1) * plane; i++) {
      if (big) b += BigInt(a[i]!);
      else s += Number(a[i]);
    }
    sums.push(big ? b.toString() : s);
  }
  return sums;
}
function firstValues(a: VolumeArray, big: boolean): (number | string)[] {
  return Array.from(a.subarray(0, 8) as ArrayLike<number | bigint>, (v) => (big ? v.toString() : Number(v)));
}
function expectDescribed(data: VolumeArray, shape: readonly number[], m: Described) {
  const big = m.dtype.endsWith('64') && !m.dtype.startsWith('float');
  expect(shape).toEqual(m.shape);
  expect(firstValues(data, big)).toEqual(m.first);
  expect(sliceSums(data, shape[1]! * shape[2]!, big)).toEqual(m.sliceSums);
  expect(sha256(data)).toBe(m.sha256);
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

describe('TIFF predictors: every sample type × byte order × strips/tiles reads as tifffile wrote it', () => {
  const matrix = entries(
    (name, m) => name.startsWith('predictor-') && m.predictor !== undefined && !m.values,
  );
  it('covers 8 sample types × 2 byte orders × 2 layouts', () => {
    expect(matrix).toHaveLength(32);
  });
  for (const [name, m] of matrix) {
    it(name, async () => {
      const { shape, dtype, data } = await readAll(f(name));
      expect(dtype).toBe(m.dtype);
      expectDescribed(data, shape, m as Described);
    });
  }

  it('the reported big-endian stacks: uint16 [123, 3123], uint32 labels [70000, 70001, 5]', async () => {
    expect(Array.from((await readAll(f('predictor-report-uint16-be.tif'))).data as Uint16Array)).toEqual([
      123, 3123,
    ]);
    const labels = await readLabelVolume(f('predictor-report-uint32-be.tif'));
    expect(Array.from(labels.labels)).toEqual([70000, 70001, 5]);
    expect(META['predictor-report-uint32-be.tif']!.values).toEqual([70000, 70001, 5]);
  });

  for (const [name, m] of entries((n, m) => n.startsWith('predictor-') && m.refuse !== undefined)) {
    it(`refuses ${name} in one line`, async () => {
      const line = await oneLineError(openVolume(f(name)));
      expect(line).toContain(`${name}: page 0 has`);
      expect(line).toContain(`${m.refuse} with ${m.dtype} samples`);
    });
  }
});

describe('TIFF stacks with ImageJ or tifffile metadata: read as the stack they are, or refused', () => {
  const stacks = entries((n, m) => /^(imagej|shaped)-/.test(n) && m.refuse === undefined);
  for (const [name, m] of stacks) {
    it(`${name} reads as ${m.shape!.join('×')} ${m.dtype}`, async () => {
      const { shape, dtype, data } = await readAll(f(name));
      expect(dtype).toBe(m.dtype);
      expectDescribed(data, shape, m as Described);
      // A z range reads the same voxels as the whole stack.
      const r = await openVolume(f(name));
      const part = await r.readSlices(1, 3);
      await r.close();
      const plane = shape[1] * shape[2];
      expect(sha256(part)).toBe(sha256(data.subarray(plane, 3 * plane)));
    });
  }

  it('one IFD followed by the slices: the reported 3×24×40 stack reads as 3 slices, as image and labels', async () => {
    const name = 'imagej-zyx-uint16-le-truncated.tif';
    expect(stacks.map(([n]) => n)).toContain(name);
    const v = await readLabelledVolume(f('imagej-zyx-uint16-be-truncated.tif'), f(name));
    expect(v.shape).toEqual([3, 24, 40]);
    expect(sliceSums(v.labels, 24 * 40, false)).toEqual(META[name]!.sliceSums);
  });

  for (const [name, m] of entries((n, m) => /^(imagej|shaped|labels)-/.test(n) && m.refuse !== undefined)) {
    it(`refuses ${name} in one line (${m.refuse})`, async () => {
      const line = await oneLineError(openVolume(f(name)));
      expect(line).toContain(`${name}: `);
      expect(line).toContain(m.refuse!);
    });
  }
});

describe('HDF5 datasets in big-endian order read as h5py wrote them', () => {
  const datasets = entries((n) => n.startsWith('byteorder.h5:'));
  it('covers 8 element types', () => expect(datasets).toHaveLength(8));
  for (const [key, m] of datasets) {
    it(key, async () => {
      const { shape, dtype, data } = await readAll(f(key));
      expect(dtype).toBe(m.dtype);
      expectDescribed(data, shape, m as Described);
    });
  }
});

describe('64-bit HDF5 labels (CREMI neuron_ids): kept below 2^32, else relabelled, refused when negative', () => {
  const datasets = entries((n, m) => n.startsWith('labels64.h5:') && m.refuse === undefined);
  for (const [key, m] of datasets) {
    const spec = f(key);
    it(`${key.slice(12)}: ${m.dtype}, ${m.relabelled ? 'relabelled' : 'ids kept'}`, async () => {
      const raw = await readAll(spec);
      expect(raw.dtype).toBe(m.dtype);
      expectDescribed(raw.data, raw.shape, m as Described);
      const v = await readLabelVolume(spec, quiet);
      expect(v.dtype).toBe(m.dtype);
      expectDescribed(v.labels, v.shape, m.labels!);
      if (m.relabelled) {
        expect(v.relabelled).toContain(`relabelled its ${m.distinct! - (key.includes('nozero') ? 0 : 1)}`);
      } else {
        expect(v.relabelled).toBeUndefined();
      }
    });
  }

  it('relabels the same way in every z range, and says so once per file', async () => {
    const copy = join(tmp, 'copy.h5');
    copyFileSync(f('labels64.h5'), copy);
    const notes: string[] = [];
    const onNote = (line: string) => notes.push(line);
    // Slice 0 holds only ids below 2^32 and each slice only some of the ids.
    const spec = `${copy}:/u64/sparse_slices`;
    const parts = [];
    for (const zRange of [
      [0, 1],
      [1, 3],
    ] as const) {
      parts.push(...(await readLabelVolume(spec, { zRange, onNote })).labels);
    }
    const whole = await readLabelVolume(spec, { onNote });
    expect(parts).toEqual(Array.from(whole.labels));
    expectDescribed(whole.labels, whole.shape, META['labels64.h5:/u64/sparse_slices']!.labels!);
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatch(
      /copy\.h5:\/u64\/sparse_slices: uint64 ids up to 18446744073709551615 do not fit 32 bits; relabelled its 4 distinct/,
    );
  });

  it('refuses more distinct ids than fit, a negative id, and 64-bit ids as an image', async () => {
    const r = await openVolume(f('labels64.h5:/u64/big'));
    const line = await oneLineError(scanLabelIds(r, 5)).finally(() => r.close());
    expect(line).toContain('labels64.h5:/u64/big: more than 5 distinct nonzero uint64 ids');
    expect(await oneLineError(readLabelVolume(f('labels64.h5:/i64/negative'), quiet))).toContain(
      'labels64.h5:/i64/negative: negative label -1',
    );
    expect(await oneLineError(readImageVolume(f('labels64.h5:/volumes/labels/neuron_ids')))).toContain(
      'image voxels are uint64',
    );
  });
});
