import { getDecoder } from 'geotiff';

/** The TIFF Predictor tag (317): 1 none, 2 horizontal differencing, 3 floating-point (Adobe Tech Note 3). */
export type TiffPredictor = 1 | 2 | 3;

/** What undoing a predictor needs to know about one decoded strip or tile. */
export interface PredictorLayout {
  predictor: TiffPredictor;
  /** Samples per row of the block: the tile width, or the image width for strips. */
  width: number;
  /** Rows of a full block (tile height or RowsPerStrip); the image's last strip may hold fewer. */
  rows: number;
  bytesPerSample: number;
  /** Samples per pixel stored together (PlanarConfiguration 1), the distance between a sample and its predecessor. */
  stride: number;
  /** The file's byte order: the decoded block stays in it, since geotiff reads it with the file's order. */
  littleEndian: boolean;
}

/**
 * Undo a TIFF predictor in place on one decompressed strip or tile of `layout.rows` × `layout.width` samples
 * (fewer rows for a short last strip), leaving the samples in the file's byte order.
 *
 * Horizontal differencing (2) adds each sample to its left neighbour in unsigned arithmetic modulo 2^bits,
 * the sample read in the file's byte order (TIFF 6.0 §14; libtiff's horAcc8/16/32 after swabbing). The
 * floating-point predictor (3) adds bytes to their left neighbour `stride` bytes away, then gathers the byte
 * planes of each row, most significant byte first whatever the file's byte order (libtiff's fpAcc), into
 * samples. geotiff 3.0.5, the newest release, adds 16- and 32-bit samples in the machine's byte order and
 * writes floating-point samples little-endian, so big-endian files with a predictor decode wrong there.
 *
 * Throws Error (the caller names the file) for sample sizes a predictor cannot have.
 */
export function undoPredictor(block: ArrayBufferLike, layout: PredictorLayout): ArrayBufferLike {
  const { predictor, width, bytesPerSample: bps, stride, littleEndian } = layout;
  if (predictor === 1) return block;
  const rowBytes = width * stride * bps;
  const rows = Math.min(layout.rows, Math.floor(block.byteLength / rowBytes));
  if (predictor === 2) {
    if (![1, 2, 4].includes(bps)) throw new Error(`horizontal predictor with ${bps * 8}-bit samples`);
    const view = new DataView(block);
    const samples = width * stride;
    for (let r = 0; r < rows; r++) {
      const row = r * rowBytes;
      for (let i = stride; i < samples; i++) {
        const at = row + i * bps;
        const left = at - stride * bps;
        if (bps === 1) view.setUint8(at, view.getUint8(at) + view.getUint8(left));
        else if (bps === 2) {
          view.setUint16(
            at,
            view.getUint16(at, littleEndian) + view.getUint16(left, littleEndian),
            littleEndian,
          );
        } else {
          view.setUint32(
            at,
            view.getUint32(at, littleEndian) + view.getUint32(left, littleEndian),
            littleEndian,
          );
        }
      }
    }
    return block;
  }
  if (![2, 4, 8].includes(bps)) throw new Error(`floating-point predictor with ${bps * 8}-bit samples`);
  const bytes = new Uint8Array(block);
  const samples = width * stride;
  for (let r = 0; r < rows; r++) {
    const row = bytes.subarray(r * rowBytes, (r + 1) * rowBytes);
    for (let i = stride; i < rowBytes; i++) row[i] = (row[i]! + row[i - stride]!) & 0xff;
    const planes = row.slice();
    for (let i = 0; i < samples; i++) {
      for (let b = 0; b < bps; b++) {
        // Plane b holds byte b counted from the most significant one.
        row[i * bps + (littleEndian ? bps - 1 - b : b)] = planes[b * samples + i]!;
      }
    }
  }
  return block;
}

/** geotiff's decoder parameters (compression/index.js's defaultDecoderParameterFn). */
interface DecoderParameters {
  tileWidth: number;
  tileHeight: number;
  planarConfiguration: number;
  bitsPerSample: ArrayLike<number>;
  predictor: number;
}

/** The part of geotiff's decoder pool that readRasters uses: bind parameters, then decode blocks. */
export interface PredictorPool {
  bindParameters(
    compression: number,
    parameters: DecoderParameters,
  ): { decode(block: ArrayBufferLike): Promise<ArrayBufferLike> };
}

/**
 * A stand-in for geotiff's decoder pool, passed as readRasters' `pool`: it decompresses each strip or tile
 * with geotiff's own decoder for the compression, told there is no predictor, and then undoes the predictor
 * with undoPredictor in the file's byte order. Everything else (the IFD, strips and tiles, the sample
 * reading) stays geotiff's.
 */
export function predictorPool(littleEndian: boolean): PredictorPool {
  return {
    bindParameters(compression, parameters) {
      const bits = Array.from(parameters.bitsPerSample);
      const decoder = getDecoder(compression, { ...parameters, bitsPerSample: bits, predictor: 1 });
      const layout: PredictorLayout = {
        predictor: parameters.predictor as TiffPredictor,
        width: parameters.tileWidth,
        rows: parameters.tileHeight,
        bytesPerSample: bits[0]! / 8,
        stride: parameters.planarConfiguration === 2 ? 1 : bits.length,
        littleEndian,
      };
      return {
        async decode(block) {
          return undoPredictor(await (await decoder).decode(block as ArrayBuffer), layout);
        },
      };
    },
  };
}
