import { stat } from 'node:fs/promises';
import { DataFileError } from '@unet3d/core';
import type { VolumeArray, VolumeReader } from './volume-reader.js';
import { formatVolumeSource } from './volume-source.js';

/**
 * How the ids of a 64-bit label volume become uint32 ids, decided over the whole volume so that every z
 * range read from it maps an id the same way.
 * - `as-is`: every id is in [0, 2^32): kept as it is.
 * - `relabel`: some id is not; 0 (boundary) stays 0 and the other distinct ids, in ascending order, become
 *   1, 2, …, `ids.length` (`ids` sorted, without 0). Equal ids stay equal and different ids stay different,
 *   which is all the affinities and the Rand error look at.
 */
export type LabelIdMap = { kind: 'as-is' } | { kind: 'relabel'; ids: BigUint64Array; note: string };

/** Most nonzero ids that fit 32 bits beside 0. */
export const UINT32_IDS = 2 ** 32 - 1;

/** Slices read at a time while scanning. */
const SLAB = 16;

/** Index of the low 32-bit word of a 64-bit integer in a Uint32Array view (the machine's byte order). */
const LO = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1 ? 0 : 1;

/** The 64-bit ids of a slab as [low, high] 32-bit words; the high word of a signed negative id has bit 31 set. */
function words(slab: VolumeArray): Uint32Array {
  return new Uint32Array(slab.buffer, slab.byteOffset, slab.length * 2);
}

function negative(where: string, signed: boolean, hi: number, lo: number): void {
  if (signed && hi >= 0x80000000) {
    const v = BigInt.asIntN(64, (BigInt(hi) << 32n) | BigInt(lo));
    throw new DataFileError(`${where}: negative label ${v}`, 'neuron ids must be ≥ 0 (0 = boundary)');
  }
}

/** The sorted distinct values of `a` (sorted in place). */
function distinctSorted(a: BigUint64Array): BigUint64Array {
  a.sort();
  let n = 0;
  for (let i = 0; i < a.length; i++) if (i === 0 || a[i] !== a[n - 1]) a[n++] = a[i]!;
  return a.subarray(0, n);
}

/** Merge two sorted distinct arrays into one. */
function mergeSorted(a: BigUint64Array, b: BigUint64Array): BigUint64Array {
  const out = new BigUint64Array(a.length + b.length);
  let [i, j, n] = [0, 0, 0];
  while (i < a.length || j < b.length) {
    const x = i < a.length ? a[i]! : undefined;
    const y = j < b.length ? b[j]! : undefined;
    if (y === undefined || (x !== undefined && x < y)) out[n++] = a[i++]!;
    else if (x === undefined || y < x) out[n++] = b[j++]!;
    else {
      out[n++] = a[i++]!;
      j++;
    }
  }
  return out.slice(0, n);
}

/**
 * Decide how a uint64 / int64 label volume becomes uint32 (see LabelIdMap) by reading it whole, slab by slab:
 * a first pass checks whether every id fits 32 bits; only when one does not, a second collects the distinct
 * ids. `capacity` is the most nonzero ids that can be numbered (UINT32_IDS; smaller only to test the refusal).
 *
 * Errors (DataFileError, one line naming the dataset): a negative id; more distinct nonzero ids than fit 32
 * bits (more than 2^32 − 1 beside 0).
 */
export async function scanLabelIds(reader: VolumeReader, capacity = UINT32_IDS): Promise<LabelIdMap> {
  const where = formatVolumeSource(reader.source);
  const signed = reader.dtype === 'int64';
  const D = reader.shape[0];
  let fits = true;
  let max = 0n;
  for (let z = 0; z < D; z += SLAB) {
    const w = words(await reader.readSlices(z, Math.min(z + SLAB, D)));
    for (let i = 0; i < w.length; i += 2) {
      const hi = w[i + 1 - LO]!;
      if (hi !== 0) {
        negative(where, signed, hi, w[i + LO]!);
        fits = false;
        const v = (BigInt(hi) << 32n) | BigInt(w[i + LO]!);
        if (v > max) max = v;
      }
    }
  }
  if (fits) return { kind: 'as-is' };
  let ids: BigUint64Array = new BigUint64Array(0);
  for (let z = 0; z < D; z += SLAB) {
    const slab = await reader.readSlices(z, Math.min(z + SLAB, D));
    const w = words(slab);
    // Neighbouring voxels mostly share an id: keep one per run before sorting.
    const runs = new BigUint64Array(slab.length);
    let n = 0;
    for (let i = 0; i < slab.length; i++) {
      const [lo, hi] = [w[2 * i + LO]!, w[2 * i + 1 - LO]!];
      if (lo === 0 && hi === 0) continue;
      if (i > 0 && lo === w[2 * i - 2 + LO] && hi === w[2 * i - 1 - LO]) continue;
      runs[n++] = (BigInt(hi) << 32n) | BigInt(lo);
    }
    ids = mergeSorted(ids, distinctSorted(runs.subarray(0, n)));
    if (ids.length > capacity) {
      throw new DataFileError(
        `${where}: more than ${capacity} distinct nonzero ${reader.dtype} ids, more than 32-bit labels can number`,
        'split the volume into parts with fewer neurons each',
      );
    }
  }
  const note =
    `${where}: ${reader.dtype} ids up to ${max} do not fit 32 bits; relabelled its ${ids.length} distinct ` +
    `nonzero ids to 1…${ids.length} in ascending order (0 stays 0, equal ids stay equal)`;
  return { kind: 'relabel', ids, note };
}

/** Write the uint32 ids of a 64-bit slab into `out` at `offset`, as `map` says. Ids are ≥ 0 (scanned). */
export function mapLabelIds(slab: VolumeArray, map: LabelIdMap, out: Uint32Array, offset: number): void {
  const w = words(slab);
  if (map.kind === 'as-is') {
    for (let i = 0; i < slab.length; i++) out[offset + i] = w[2 * i + LO]!;
    return;
  }
  const { ids } = map;
  let [prevLo, prevHi, prev] = [0, 0, 0];
  for (let i = 0; i < slab.length; i++) {
    const [lo, hi] = [w[2 * i + LO]!, w[2 * i + 1 - LO]!];
    if (i === 0 || lo !== prevLo || hi !== prevHi) {
      [prevLo, prevHi] = [lo, hi];
      if (lo === 0 && hi === 0) prev = 0;
      else {
        const v = (BigInt(hi) << 32n) | BigInt(lo);
        let [a, b] = [0, ids.length - 1];
        while (a < b) {
          const m = (a + b) >>> 1;
          if (ids[m]! < v) a = m + 1;
          else b = m;
        }
        if (ids[a] !== v) throw new Error(`label ${v} was not seen when the volume was scanned`);
        prev = a + 1;
      }
    }
    out[offset + i] = prev;
  }
}

/** Scans already made, by dataset and file identity, so reading a volume slab by slab scans it once. */
const scans = new Map<string, Promise<LabelIdMap>>();

/**
 * scanLabelIds, remembered for the file as it is now (path, dataset, size, modification time): reading a
 * volume in z ranges (readProtocolVolume) scans it once, and `onNote` hears a relabelling once.
 */
export async function labelIdMap(reader: VolumeReader, onNote: (line: string) => void): Promise<LabelIdMap> {
  const { size, mtimeMs } = await stat(reader.source.path);
  const key = `${formatVolumeSource(reader.source)}\0${size}\0${mtimeMs}`;
  let scan = scans.get(key);
  if (!scan) {
    scan = scanLabelIds(reader);
    scans.set(key, scan);
    if (scans.size > 8) scans.delete(scans.keys().next().value!);
    scan.then(
      (map) => map.kind === 'relabel' && onNote(map.note),
      () => scans.delete(key),
    );
  }
  return scan;
}
