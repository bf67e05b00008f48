import { ConfigError, type Triple } from '@unet3d/core';

/** Unsigned integer voxels a TIFF stack is written with (TIFF's default SampleFormat, 1 = unsigned). */
export type TiffStackArray = Uint8Array | Uint16Array | Uint32Array;

/**
 * Most pages one stack may have: utif2's `UTIF.encode` lays all IFDs out in a fixed 20 000-byte buffer, and
 * one of our IFDs takes 128 bytes (9 tags). SNEMI3D's 100 slices fit; write larger volumes as HDF5.
 */
export const MAX_TIFF_PAGES = 150;

/**
 * Write a (z, y, x) C-order volume as a multi-page grayscale TIFF (one uncompressed page per z slice, one
 * strip per page, big-endian as utif2 writes it), atomically (write-file-atomic: temp file, fsync, rename).
 * The file directories are encoded by utif2; the pixel bytes follow them, each page's strip at the offset its
 * IFD names. Readable by geotiff, tifffile, Pillow and Fiji.
 *
 * Throws ConfigError for a data length that does not match `shape` or more than MAX_TIFF_PAGES slices.
 */
export async function writeTiffStack(path: string, data: TiffStackArray, shape: Triple): Promise<void> {
  const [D, H, W] = shape;
  if (data.length !== D * H * W || D < 1 || H < 1 || W < 1) {
    throw new ConfigError(`${path}: ${data.length} voxels do not fill shape [${shape.join(',')}]`);
  }
  if (D > MAX_TIFF_PAGES) {
    throw new ConfigError(
      `${path}: ${D} slices exceed the TIFF writer's ${MAX_TIFF_PAGES} pages`,
      'write HDF5 instead',
    );
  }
  if (H > 65535 || W > 65535)
    throw new ConfigError(`${path}: slices of ${H}×${W} exceed 65535 pixels a side`);
  // Loaded on first use, so importing @unet3d/data does not load the TIFF encoder.
  const { default: UTIF } = await import('utif2');
  const { default: writeFileAtomic } = await import('write-file-atomic');
  const bytes = data.BYTES_PER_ELEMENT;
  const pageBytes = H * W * bytes;
  const ifds = (offsets: number[]) =>
    offsets.map((offset) => ({
      t256: [W], // ImageWidth
      t257: [H], // ImageLength
      t258: [bytes * 8], // BitsPerSample
      t259: [1], // Compression: none
      t262: [1], // PhotometricInterpretation: BlackIsZero
      t273: [offset], // StripOffsets
      t277: [1], // SamplesPerPixel
      t278: [H], // RowsPerStrip
      t279: [pageBytes], // StripByteCounts
    }));
  // Encode once to learn the header size, then again with the strip offsets after it (same size: the
  // offsets are fixed-width LONGs).
  const headerBytes = new Uint8Array(UTIF.encode(ifds(new Array(D).fill(0)) as never)).length;
  const dataStart = Math.ceil(headerBytes / 8) * 8;
  const header = new Uint8Array(
    UTIF.encode(ifds(Array.from({ length: D }, (_, z) => dataStart + z * pageBytes)) as never),
  );
  if (header.length !== headerBytes) throw new Error('TIFF header changed size between passes');
  const out = new Uint8Array(dataStart + D * pageBytes);
  out.set(header, 0);
  const view = new DataView(out.buffer);
  for (let i = 0, o = dataStart; i < data.length; i++, o += bytes) {
    if (bytes === 1) out[o] = data[i]!;
    else if (bytes === 2) view.setUint16(o, data[i]!, false);
    else view.setUint32(o, data[i]!, false);
  }
  await writeFileAtomic(path, Buffer.from(out.buffer, out.byteOffset, out.byteLength));
}
