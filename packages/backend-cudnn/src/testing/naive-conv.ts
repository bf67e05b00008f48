/**
 * A tiny float64 direct convolution for GPU tests (the shared oracle in @unet3d/core/testing can replace it).
 * Geometry: x [N, C, D, H, W] ⊛ w [K, C, kd, kh, kw] → y [N, K, OD, OH, OW], cross-correlation.
 * `scatter` adds x·w into y at output index o·s − p + k·d: the transposed conv (and the conv's backward-data).
 */
export interface Geometry {
  pad: readonly number[];
  stride: readonly number[];
  dilation: readonly number[];
}

type Dims = readonly number[];

function idx(d: Dims, n: number, c: number, z: number, y: number, x: number): number {
  return (((n * d[1]! + c) * d[2]! + z) * d[3]! + y) * d[4]! + x;
}

/** Visit every (output voxel, input voxel, kernel tap) triple of the forward conv xDims → yDims. */
function forEachTap(
  xDims: Dims,
  yDims: Dims,
  wDims: Dims,
  g: Geometry,
  fn: (n: number, k: number, c: number, yi: number, xi: number, wi: number) => void,
): void {
  const [N, C, D, H, W] = xDims as [number, number, number, number, number];
  const [, K, OD, OH, OW] = yDims as [number, number, number, number, number];
  const [, , KD, KH, KW] = wDims as [number, number, number, number, number];
  for (let n = 0; n < N; n++)
    for (let k = 0; k < K; k++)
      for (let oz = 0; oz < OD; oz++)
        for (let oy = 0; oy < OH; oy++)
          for (let ox = 0; ox < OW; ox++)
            for (let c = 0; c < C; c++)
              for (let a = 0; a < KD; a++)
                for (let b = 0; b < KH; b++)
                  for (let e = 0; e < KW; e++) {
                    const z = oz * g.stride[0]! - g.pad[0]! + a * g.dilation[0]!;
                    const y = oy * g.stride[1]! - g.pad[1]! + b * g.dilation[1]!;
                    const x = ox * g.stride[2]! - g.pad[2]! + e * g.dilation[2]!;
                    if (z < 0 || y < 0 || x < 0 || z >= D || y >= H || x >= W) continue;
                    const wi = (((k * C + c) * KD + a) * KH + b) * KW + e;
                    fn(n, k, c, idx(yDims, n, k, oz, oy, ox), idx(xDims, n, c, z, y, x), wi);
                  }
}

export function naiveForward(
  x: Float32Array,
  xDims: Dims,
  w: Float32Array,
  wDims: Dims,
  yDims: Dims,
  g: Geometry,
): Float64Array {
  const y = new Float64Array(yDims.reduce((a, b) => a * b, 1));
  forEachTap(xDims, yDims, wDims, g, (_n, _k, _c, yi, xi, wi) => {
    y[yi]! += x[xi]! * w[wi]!;
  });
  return y;
}

/** dx of the forward conv xDims → yDims; equally the transposed conv of dy (yDims) into xDims. */
export function naiveScatter(
  dy: Float32Array,
  yDims: Dims,
  w: Float32Array,
  wDims: Dims,
  xDims: Dims,
  g: Geometry,
): Float64Array {
  const dx = new Float64Array(xDims.reduce((a, b) => a * b, 1));
  forEachTap(xDims, yDims, wDims, g, (_n, _k, _c, yi, xi, wi) => {
    dx[xi]! += dy[yi]! * w[wi]!;
  });
  return dx;
}

export function naiveFilterGrad(
  x: Float32Array,
  xDims: Dims,
  dy: Float32Array,
  yDims: Dims,
  wDims: Dims,
  g: Geometry,
): Float64Array {
  const dw = new Float64Array(wDims.reduce((a, b) => a * b, 1));
  forEachTap(xDims, yDims, wDims, g, (_n, _k, _c, yi, xi, wi) => {
    dw[wi]! += x[xi]! * dy[yi]!;
  });
  return dw;
}
