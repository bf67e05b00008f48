import { open } from 'node:fs/promises';
import type { GeoTIFFImage } from 'geotiff';
import type { VolumeArray, VolumeDtype } from './volume-reader.js';
import { dtypeBytes, typedArrayFor } from './volume-reader.js';

/** Where the slices of a one-IFD stack lie: `images` planes of `planeBytes`, back to back from `offset`. */
export interface ContiguousSlices {
  offset: number;
  planeBytes: number;
  images: number;
  dtype: VolumeDtype;
  littleEndian: boolean;
}

/**
 * Read planes [z0, z1) of an uncompressed stack stored as one block (ImageJ's and tifffile's layout behind a
 * single IFD) into a typed array of the stack's dtype, converted from the file's byte order. Reads only
 * those planes' bytes. Throws Error when the file ends before them (the caller checks the size at open).
 */
export async function readContiguousSlices(
  path: string,
  layout: ContiguousSlices,
  z0: number,
  z1: number,
): Promise<VolumeArray> {
  const { offset, planeBytes, dtype, littleEndian } = layout;
  const length = (z1 - z0) * planeBytes;
  const bytes = new Uint8Array(length);
  const file = await open(path, 'r');
  try {
    let done = 0;
    while (done < length) {
      const { bytesRead } = await file.read(bytes, done, length - done, offset + z0 * planeBytes + done);
      if (bytesRead === 0)
        throw new Error(`the file ends ${length - done} bytes before slice ${z1 - 1} does`);
      done += bytesRead;
    }
  } finally {
    await file.close();
  }
  const size = dtypeBytes(dtype);
  if (size === 1) return dtype === 'int8' ? new Int8Array(bytes.buffer) : bytes;
  const out = new (typedArrayFor(dtype))(length / size) as Exclude<
    VolumeArray,
    BigUint64Array | BigInt64Array
  >;
  const view = new DataView(bytes.buffer);
  const read = readerFor(dtype);
  for (let i = 0; i < out.length; i++) out[i] = read(view, i * size, littleEndian);
  return out;
}

function readerFor(dtype: VolumeDtype): (view: DataView, at: number, le: boolean) => number {
  switch (dtype) {
    case 'uint16':
      return (v, at, le) => v.getUint16(at, le);
    case 'int16':
      return (v, at, le) => v.getInt16(at, le);
    case 'uint32':
      return (v, at, le) => v.getUint32(at, le);
    case 'int32':
      return (v, at, le) => v.getInt32(at, le);
    case 'float32':
      return (v, at, le) => v.getFloat32(at, le);
    case 'float64':
      return (v, at, le) => v.getFloat64(at, le);
    default:
      throw new Error(`no contiguous reader for ${dtype}`);
  }
}

/** The strips of one page: offsets and byte counts, as numbers. */
async function strips(page: GeoTIFFImage): Promise<{ offsets: number[]; counts: number[] }> {
  const dir = page.getFileDirectory();
  const offsets = Array.from((await dir.loadValue('StripOffsets')) as ArrayLike<number>, Number);
  const counts = Array.from((await dir.loadValue('StripByteCounts')) as ArrayLike<number>, Number);
  return { offsets, counts };
}

/**
 * Where the `images` slices of a stack whose metadata counts more slices than it has IFDs lie, or a phrase
 * saying why they cannot be read that way. They can when the first page is uncompressed, without predictor,
 * in strips that follow each other, every further IFD's data starts where its slice should, and the file is
 * long enough for all of them: ImageJ's and tifffile's truncated layout.
 */
export async function locateContiguousSlices(
  pages: readonly GeoTIFFImage[],
  images: number,
  dtype: VolumeDtype,
  fileSize: number,
): Promise<ContiguousSlices | string> {
  const first = pages[0]!;
  const dir = first.getFileDirectory();
  const compression = Number(dir.getValue('Compression') ?? 1);
  const predictor = Number((await dir.loadValue('Predictor')) ?? 1);
  if (first.isTiled || compression !== 1 || predictor !== 1) {
    return `its first IFD is ${first.isTiled ? 'tiled' : `compressed (compression ${compression}, predictor ${predictor})`}, so the slices after it cannot be located`;
  }
  const planeBytes = first.getWidth() * first.getHeight() * dtypeBytes(dtype);
  const { offsets, counts } = await strips(first);
  for (let k = 1; k < offsets.length; k++) {
    if (offsets[k] !== offsets[k - 1]! + counts[k - 1]!) {
      return "its first IFD's strips are not back to back, so the slices after it cannot be located";
    }
  }
  const total = counts.reduce((a, b) => a + b, 0);
  if (total !== planeBytes && total !== images * planeBytes) {
    return `its first IFD's strips hold ${total} bytes, neither one slice (${planeBytes}) nor all ${images}`;
  }
  const offset = offsets[0]!;
  for (let i = 1; i < pages.length; i++) {
    const at = (await strips(pages[i]!)).offsets[0];
    if (at !== offset + i * planeBytes) {
      return `IFD ${i}'s data is at byte ${at}, not where slice ${i} of a contiguous stack would be`;
    }
  }
  const end = offset + images * planeBytes;
  if (end > fileSize) {
    return `its ${images} slices end at byte ${end} but the file has ${fileSize} bytes; the file is truncated`;
  }
  return { offset, planeBytes, images, dtype, littleEndian: first.littleEndian };
}
