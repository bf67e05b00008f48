import { stat } from 'node:fs/promises';
import { DataFileError, type Triple } from '@unet3d/core';
import type { GeoTIFF, GeoTIFFImage } from 'geotiff';
import { type ContiguousSlices, locateContiguousSlices, readContiguousSlices } from './tiff-contiguous.js';
import { type PredictorPool, predictorPool } from './tiff-predictor.js';
import { stackMetadata } from './tiff-stack-metadata.js';
import { typedArrayFor, type VolumeArray, type VolumeDtype, type VolumeReader } from './volume-reader.js';
import type { VolumeSource } from './volume-source.js';

const HINT = 'give a multi-page grayscale TIFF stack (one page per z slice, 8/16/32-bit)';

/** TIFF SampleFormat (tag 339) and BitsPerSample to our dtype; undefined for what we do not read. */
function tiffDtype(sampleFormat: number, bits: number): VolumeDtype | undefined {
  const kind = sampleFormat === 1 ? 'uint' : sampleFormat === 2 ? 'int' : sampleFormat === 3 ? 'float' : '';
  if (kind === 'float') return bits === 32 ? 'float32' : bits === 64 ? 'float64' : undefined;
  if (kind === '' || ![8, 16, 32].includes(bits)) return undefined;
  return `${kind}${bits}` as VolumeDtype;
}

function fail(path: string, problem: string, cause?: unknown, hint = HINT): never {
  throw new DataFileError(`${path}: ${problem}`, hint, cause === undefined ? undefined : { cause });
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * The page's Predictor (tag 317), refused unless it is one its samples can have: none (1), horizontal
 * differencing (2) on integers, floating point (3) on floats; libtiff refuses the same.
 */
async function pagePredictor(path: string, page: GeoTIFFImage, i: number, dtype: VolumeDtype) {
  const predictor = Number((await page.getFileDirectory().loadValue('Predictor')) ?? 1);
  const float = dtype.startsWith('float');
  if (predictor === 1 || (predictor === 2 && !float) || (predictor === 3 && float)) return predictor;
  const known = predictor === 2 ? 'horizontal ' : predictor === 3 ? 'floating-point ' : '';
  fail(
    path,
    `page ${i} has ${known}predictor ${predictor} with ${dtype} samples, which no TIFF reader can undo`,
    undefined,
    're-save the stack without a predictor, or with predictor 2 for integers and 3 for floats',
  );
}

/**
 * Open a TIFF stack (SNEMI3D's format: one page per z slice; 8-bit image, 16- or 32-bit labels) with the
 * `geotiff` library. geotiff reads the file by byte ranges, so only the IFDs are read at open and
 * `readSlices` decodes only the slices asked for. Read: unsigned/signed 8/16/32-bit and float 32/64-bit
 * samples, both byte orders, strips or tiles, the usual compressions (none, LZW, Deflate, PackBits), with
 * or without a predictor (undone here, see undoPredictor). Every page must be single-sample with the first
 * page's width, height and dtype.
 *
 * The first page's ImageDescription is read for ImageJ's and tifffile's stack metadata (stackMetadata): a
 * stack stored as one IFD followed by its slices (ImageJ past 4 GB, tifffile's `truncate=True`) is read
 * as the stack it is, and hyperstacks whose pages are not z slices (channels; frames of z-stacks) are refused.
 *
 * Errors (DataFileError, one line starting with the path): missing file, not a TIFF, truncated or corrupt
 * data, RGB pages, pages of different sizes or dtypes, unsupported sample formats (64-bit integers among
 * them), a predictor the samples cannot have, a hyperstack, a one-IFD stack whose slices cannot be located.
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
  const pools: (PredictorPool | undefined)[] = [];
  let dtype: VolumeDtype | undefined;
  let H = 0;
  let W = 0;
  let contiguous: ContiguousSlices | undefined;
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
      const format = page.getSampleFormat(0);
      const pageDtype = tiffDtype(format, bits);
      if (pageDtype === undefined && bits === 64 && (format === 1 || format === 2)) {
        fail(
          path,
          `page ${i} holds 64-bit ${format === 1 ? 'unsigned' : 'signed'} integers, which the TIFF reader does not read`,
          undefined,
          'write 64-bit labels to HDF5 (file.h5:/dataset, read and brought to 32 bits) or as a uint32 TIFF stack',
        );
      }
      if (pageDtype === undefined) {
        fail(path, `page ${i}: unsupported sample format ${format} with ${bits} bits`);
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
      const predictor = await pagePredictor(path, page, i, pageDtype);
      pools.push(predictor === 1 ? undefined : predictorPool(page.littleEndian));
      pages.push(page);
    }
    const description = (await pages[0]?.getFileDirectory().loadValue('ImageDescription')) as unknown;
    const meta = stackMetadata(typeof description === 'string' ? description : undefined, H, W);
    if (meta.kind === 'refuse') fail(path, meta.problem, undefined, meta.hint);
    if (meta.kind === 'stack' && meta.images > count) {
      const where = await locateContiguousSlices(pages, meta.images, dtype!, fileSize);
      if (typeof where === 'string') {
        fail(
          path,
          `${meta.writer} metadata says ${meta.images} slices but the file has ${count} IFD${count === 1 ? '' : 's'}, and ${where}`,
          undefined,
          're-save the stack (ImageJ: File › Save As › Tiff), or copy the whole file again if it was cut short',
        );
      }
      contiguous = where;
      count = meta.images;
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
        fail(path, `slice range [${z0}, ${z1}) is outside the stack's ${count} slices`);
      }
      if (contiguous) {
        try {
          return await readContiguousSlices(path, contiguous, z0, z1);
        } catch (err) {
          fail(path, `slices [${z0}, ${z1}) cannot be read (${message(err)})`, err);
        }
      }
      let out: VolumeArray | undefined;
      for (let z = z0; z < z1; z++) {
        let page: VolumeArray;
        try {
          const pool = pools[z] as never;
          page = (await pages[z]!.readRasters({ interleave: true, pool })) as unknown as VolumeArray;
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
