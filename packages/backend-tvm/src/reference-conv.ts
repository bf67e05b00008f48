import {
  type ConvPass,
  type ConvWorkload,
  convOutputShape,
  convWeightShape,
  numel,
  type Shape5D,
} from '@unet3d/core';

/**
 * Naive float64 reference for all three passes of a conv or transposed conv (the oracle of the tests and of
 * CPU-side checks). One loop nest over (small-side voxel q, kernel offset k) ↔ (large-side voxel
 * t = q·s − p + k·d): for a conv the small side is the output, for a transposed conv the input.
 *   forward:        output from (input, weight)
 *   backwardData:   grad input from (grad output, weight)
 *   backwardFilter: grad weight from (input, grad output)
 */
export function referenceConv(
  w: ConvWorkload,
  pass: ConvPass,
  a: ArrayLike<number>,
  b: ArrayLike<number>,
): Float64Array {
  const x = w.input;
  const y = convOutputShape(w);
  const t = w.spec.transposed;
  const small: Shape5D = t ? x : y;
  const large: Shape5D = t ? y : x;
  const [n, , sd, sh, sw] = small;
  const [, , ld, lh, lw] = large;
  const cin = x[1];
  const cout = w.outChannels;
  const [kd, kh, kw] = w.spec.kernel;
  const kv = kd * kh * kw;
  const outSize =
    pass === 'forward' ? numel(y) : pass === 'backwardData' ? numel(x) : numel(convWeightShape(w));
  const out = new Float64Array(outSize);
  const sIdx = (nn: number, c: number, cs: number, q: number): number => (nn * cs + c) * sd * sh * sw + q;
  const lIdx = (nn: number, c: number, cs: number, l: number): number => (nn * cs + c) * ld * lh * lw + l;
  // Channels of the small and large side, and the weight index for (ci, co, k).
  const cs = t ? cin : cout;
  const cl = t ? cout : cin;
  const wIdx = (ci: number, co: number, k: number): number =>
    t ? (ci * cout + co) * kv + k : (co * cin + ci) * kv + k;
  for (let nn = 0; nn < n; nn++) {
    for (let q = 0; q < sd * sh * sw; q++) {
      const qd = Math.floor(q / (sh * sw));
      const qh = Math.floor(q / sw) % sh;
      const qw = q % sw;
      for (let k = 0; k < kv; k++) {
        const kz = Math.floor(k / (kh * kw));
        const ky = Math.floor(k / kw) % kh;
        const kx = k % kw;
        const td = qd * w.spec.stride[0] - w.spec.padding[0] + kz * w.spec.dilation[0];
        const th = qh * w.spec.stride[1] - w.spec.padding[1] + ky * w.spec.dilation[1];
        const tw = qw * w.spec.stride[2] - w.spec.padding[2] + kx * w.spec.dilation[2];
        if (td < 0 || td >= ld || th < 0 || th >= lh || tw < 0 || tw >= lw) continue;
        const l = (td * lh + th) * lw + tw;
        for (let c1 = 0; c1 < cs; c1++) {
          for (let c2 = 0; c2 < cl; c2++) {
            const ci = t ? c1 : c2;
            const co = t ? c2 : c1;
            const wi = wIdx(ci, co, k);
            const si = sIdx(nn, c1, cs, q);
            const li = lIdx(nn, c2, cl, l);
            // Which tensors are (input, output) of the forward op in small/large terms:
            const xi = t ? si : li; // index into x
            const yi = t ? li : si; // index into y
            if (pass === 'forward') out[yi] = out[yi]! + a[xi]! * b[wi]!;
            else if (pass === 'backwardData') out[xi] = out[xi]! + a[yi]! * b[wi]!;
            else out[wi] = out[wi]! + a[xi]! * b[yi]!;
          }
        }
      }
    }
  }
  return out;
}

/** Input operand shapes of a pass, in the order referenceConv takes them. */
export function passOperandShapes(w: ConvWorkload, pass: ConvPass): [readonly number[], readonly number[]] {
  const x = w.input;
  const y = convOutputShape(w);
  const wt = convWeightShape(w);
  if (pass === 'forward') return [x, wt];
  if (pass === 'backwardData') return [y, wt];
  return [x, y];
}
