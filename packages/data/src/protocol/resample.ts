import { ShapeError, type Triple } from '@unet3d/core';

/** Image interpolation: `linear` (trilinear, separable) or `area` (box-filter average of the covered input). */
export type ImageInterpolation = 'linear' | 'area';

/**
 * Grid convention (all methods): voxel centres, as scipy.ndimage.zoom(grid_mode=True), OpenCV resize and
 * skimage.transform.resize: output voxel i of an axis of n_in → n_out covers input coordinates
 * [i·r, (i+1)·r) with r = n_in / n_out, centred at (i + 0.5)·r − 0.5 in input voxel units.
 */
type AxisWeights = { index: Int32Array; weight: Float64Array; start: Int32Array };

/** Sparse weights of each output voxel of one axis over input voxels (rows sum to 1). */
function axisWeights(nIn: number, nOut: number, method: ImageInterpolation): AxisWeights {
  const r = nIn / nOut;
  const idx: number[] = [];
  const w: number[] = [];
  const start = new Int32Array(nOut + 1);
  for (let i = 0; i < nOut; i++) {
    start[i] = idx.length;
    if (nIn === nOut) {
      idx.push(i);
      w.push(1);
    } else if (method === 'linear') {
      const c = Math.min(Math.max((i + 0.5) * r - 0.5, 0), nIn - 1);
      const lo = Math.floor(c);
      const f = c - lo;
      idx.push(lo);
      w.push(1 - f);
      if (f > 0) {
        idx.push(lo + 1);
        w.push(f);
      }
    } else {
      const a = i * r;
      const b = (i + 1) * r;
      for (let j = Math.floor(a); j < Math.min(Math.ceil(b), nIn); j++) {
        const overlap = Math.min(b, j + 1) - Math.max(a, j);
        if (overlap > 1e-12) {
          idx.push(j);
          w.push(overlap / r);
        }
      }
    }
  }
  start[nOut] = idx.length;
  return { index: Int32Array.from(idx), weight: Float64Array.from(w), start };
}

function checkShapes(length: number, shape: Triple, outShape: Triple): void {
  if (length !== shape[0] * shape[1] * shape[2]) {
    throw new ShapeError(
      `volume has ${length} voxels, shape [${shape.join(',')}] needs ${shape[0] * shape[1] * shape[2]}`,
    );
  }
  if (outShape.some((n) => !Number.isInteger(n) || n < 1)) {
    throw new ShapeError(`resampled shape must be positive integers, got [${outShape.join(',')}]`);
  }
}

/**
 * Resample a (z, y, x) C-order image to `outShape`, one axis at a time (x, then y, then z), in float64
 * accumulators. `area` averages every input voxel an output voxel covers, weighted by the overlap (the right
 * filter for downsampling: no aliasing of membranes); `linear` interpolates between the two nearest centres.
 * Constant images stay constant; a volume resampled to its own shape is unchanged.
 */
export function resampleImage(
  image: Float32Array,
  shape: Triple,
  outShape: Triple,
  method: ImageInterpolation = 'area',
): Float32Array {
  checkShapes(image.length, shape, outShape);
  let cur: Float64Array | Float32Array = image;
  const dims = [...shape];
  for (const axis of [2, 1, 0]) {
    const nIn = dims[axis]!;
    const nOut = outShape[axis]!;
    if (nIn === nOut) continue;
    const { index, weight, start } = axisWeights(nIn, nOut, method);
    const outer = axis === 0 ? 1 : axis === 1 ? dims[0]! : dims[0]! * dims[1]!;
    const inner = axis === 0 ? dims[1]! * dims[2]! : axis === 1 ? dims[2]! : 1;
    const next = new Float64Array(outer * nOut * inner);
    for (let o = 0; o < outer; o++) {
      for (let i = 0; i < nOut; i++) {
        const dst = (o * nOut + i) * inner;
        for (let k = start[i]!; k < start[i + 1]!; k++) {
          const src = (o * nIn + index[k]!) * inner;
          const wk = weight[k]!;
          for (let t = 0; t < inner; t++) next[dst + t]! += wk * cur[src + t]!;
        }
      }
    }
    cur = next;
    dims[axis] = nOut;
  }
  return cur instanceof Float32Array ? cur.slice() : Float32Array.from(cur);
}

/**
 * Resample a (z, y, x) label volume to `outShape` by nearest neighbour: output voxel i takes input voxel
 * floor((i + 0.5)·n_in / n_out) on each axis (no new ids, no blended ids).
 */
export function resampleLabels(labels: Uint32Array, shape: Triple, outShape: Triple): Uint32Array {
  checkShapes(labels.length, shape, outShape);
  const pick = (nIn: number, nOut: number) =>
    Int32Array.from({ length: nOut }, (_, i) => Math.min(nIn - 1, Math.floor(((i + 0.5) * nIn) / nOut)));
  const [pz, py, px] = [
    pick(shape[0], outShape[0]),
    pick(shape[1], outShape[1]),
    pick(shape[2], outShape[2]),
  ];
  const [D, H, W] = outShape;
  const out = new Uint32Array(D * H * W);
  let o = 0;
  for (let z = 0; z < D; z++) {
    for (let y = 0; y < H; y++) {
      const row = (pz[z]! * shape[1] + py[y]!) * shape[2];
      for (let x = 0; x < W; x++) out[o++] = labels[row + px[x]!]!;
    }
  }
  return out;
}
