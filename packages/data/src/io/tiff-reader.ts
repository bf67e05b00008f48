import { stat } from 'node:fs/promises';
import { DataFileError, type Triple } from '@unet3d/core';
import type { GeoTIFF, GeoTIFFImage } from 'geotiff';
import type { VolumeArray, VolumeDtype, VolumeReader } from './volume-reader.js';
import type { VolumeSource } from './volume-source.js';

const HINT = 'give a multi-page grayscale TIFF stack (one page per z slice, 8/16/32-bit)';

/** TIFF SampleFormat (tag 339) and BitsPerSample to our dtype; undefined for what we do not read. */
function tiffDtype(sampleFormat: number, bits: number): VolumeDtype | undefined {
  const kind = sampleFormat === 1 ? 'uint' : sampleFormat === 2 ? 'int' : sampleFormat === 3 ? 'float' : '';
  if (kind === 'float') return bits === 32 ? 'float32' : bits === 64 ? 'float64' : undefined;
  if (kind === '' || ![8, 16, 32].includes(bits)) return undefined;
  return `${kind}${bits}` as VolumeDtype;
}

function fail(path: string, problem: string, cause?: unknown): never {
  throw new DataFileError(`${path}: ${problem}`, HINT, cause === undefined ? undefined : { cause });
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * Open a multi-page TIFF stack (SNEMI3D's format: one page per z slice; 8-bit image, 16- or 32-bit labels)
 * with the `geotiff` library. geotiff reads the file by byte ranges, so only the IFDs are read at open and
 * `readSlices` decodes only the pages asked for. It handles every sample format the stacks come in
 * (unsigned/signed 8/16/32-bit, float 32/64), both byte orders, strips or tiles, and the usual compressions
 * (none, LZW, Deflate, PackBits). Every page must be single-sample with the first page's width, height and
 * dtype.
 *
 * Errors (DataFileError, message starting with the path): missing file, not a TIFF, truncated or corrupt
 * data, RGB pages, pages of different sizes or dtypes, unsupported sample formats.
 */
export async function openTiffStack(source: VolumeSource): Promise<VolumeReader> {
  const { path } = source;
  let fileSize = 0;
  try {
    fileSize = (await stat(path)).size;
  } catch {
    fail(path, 'no such file');
  }
  const { fromFile } = await import('geotiff');
  let tiff: GeoTIFF;
  let count: number;
  try {
    tiff = await fromFile(path);
    count = await tiff.getImageCount();
  } catch (err) {
    fail(path, `not a readable TIFF (${message(err)})`, err);
  }
  const pages: GeoTIFFImage[] = [];
  let dtype: VolumeDtype | undefined;
  let H = 0;
  let W = 0;
  try {
    for (let i = 0; i < count; i++) {
      const page = await tiff.getImage(i);
      if (page.getSamplesPerPixel() !== 1) {
        fail(
          path,
          `page ${i} has ${page.getSamplesPerPixel()} samples per pixel; a volume needs grayscale pages`,
        );
      }
      const bits = page.getBitsPerSample(0);
      if (!bits) fail(path, `page ${i} has no BitsPerSample; the file is truncated or corrupt`);
      await checkDataInsideFile(path, page, i, fileSize);
      const pageDtype = tiffDtype(page.getSampleFormat(0), bits);
      if (pageDtype === undefined) {
        fail(
          path,
          `page ${i}: unsupported sample format ${page.getSampleFormat(0)} with ${page.getBitsPerSample(0)} bits`,
        );
      }
      if (i === 0) {
        dtype = pageDtype;
        H = page.getHeight();
        W = page.getWidth();
      } else if (pageDtype !== dtype || page.getHeight() !== H || page.getWidth() !== W) {
        fail(
          path,
          `page ${i} is ${page.getHeight()}×${page.getWidth()} ${pageDtype}, page 0 is ${H}×${W} ${dtype}`,
        );
      }
      pages.push(page);
    }
  } catch (err) {
    if (err instanceof DataFileError) throw err;
    fail(path, `corrupt TIFF directory (${message(err)})`, err);
  }
  const shape: Triple = [count, H, W];
  let closed = false;
  return {
    source,
    shape,
    dtype: dtype!,
    async readSlices(z0: number, z1: number): Promise<VolumeArray> {
      if (!Number.isInteger(z0) || !Number.isInteger(z1) || z0 < 0 || z1 > count || z0 > z1) {
        fail(path, `slice range [${z0}, ${z1}) is outside the stack's ${count} pages`);
      }
      let out: VolumeArray | undefined;
      for (let z = z0; z < z1; z++) {
        let page: VolumeArray;
        try {
          page = (await pages[z]!.readRasters({ interleave: true })) as unknown as VolumeArray;
        } catch (err) {
          fail(path, `page ${z} cannot be decoded, the file is truncated or corrupt (${message(err)})`, err);
        }
        if (page.length !== H * W)
          fail(path, `page ${z} decoded to ${page.length} values, expected ${H * W}`);
        if (!out) {
          const Ctor = page.constructor as new (n: number) => VolumeArray;
          out = new Ctor((z1 - z0) * H * W);
        }
        out.set(page as never, (z - z0) * H * W);
      }
      return out ?? new (typedArrayFor(dtype!))(0);
    },
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      await tiff.close();
    },
  };
}

/** Fail unless every strip/tile of `page` lies inside the file (a truncated stack otherwise decodes zeros). */
async function checkDataInsideFile(path: string, page: GeoTIFFImage, i: number, fileSize: number) {
  const dir = page.getFileDirectory();
  const tiled = page.isTiled;
  const offsets = (await dir.loadValue(tiled ? 'TileOffsets' : 'StripOffsets')) as
    | ArrayLike<number>
    | undefined;
  const counts = (await dir.loadValue(tiled ? 'TileByteCounts' : 'StripByteCounts')) as
    | ArrayLike<number>
    | undefined;
  if (!offsets || !counts || offsets.length !== counts.length) {
    fail(path, `page ${i} has no valid strip/tile table; the file is truncated or corrupt`);
  }
  for (let k = 0; k < offsets.length; k++) {
    const end = Number(offsets[k]) + Number(counts[k]);
    if (end > fileSize) {
      fail(
        path,
        `page ${i}'s data ends at byte ${end} but the file has ${fileSize} bytes; the file is truncated`,
      );
    }
  }
}

/** The typed-array constructor of a dtype. */
export function typedArrayFor(dtype: VolumeDtype): new (n: number) => VolumeArray {
  switch (dtype) {
    case 'uint8':
      return Uint8Array;
    case 'uint16':
      return Uint16Array;
    case 'uint32':
      return Uint32Array;
    case 'int8':
      return Int8Array;
    case 'int16':
      return Int16Array;
    case 'int32':
      return Int32Array;
    case 'float32':
      return Float32Array;
    case 'float64':
      return Float64Array;
  }
}
