import type { ConvSpec } from '../conv-spec.js';
import { type ConvPass, type ConvWorkload, convOutputShape, convWeightShape } from '../conv-workload.js';
import { ShapeError } from '../errors.js';
import { numel, type Shape, type Shape5D } from '../shape.js';

/**
 * The naive reference 3-D convolution: the oracle every backend is checked against. Float64 accumulation,
 * no cleverness, clarity over speed (use it on small shapes).
 *
 * Every pass of a convolution and of a transposed convolution is one of three loops over the same
 * "forward-conv geometry": a *big* tensor (the forward conv's input), a *small* tensor (its output) and a
 * weight [smallC, bigC, kd, kh, kw], related by   big index i = o·stride − padding + k·dilation   per axis.
 *   gather  (small ← big ⋆ W):   conv forward,          convT backward-data
 *   scatter (big ← smallᵀ ⋆ W):  conv backward-data,    convT forward (PyTorch: the adjoint of conv's data map)
 *   weight  (W ← big, small):    conv backward-filter,  convT backward-filter
 * For a forward conv big = x, small = y and W is [Cout, Cin, k]; for a transposed conv big = y, small = x and
 * W is [Cin, Cout, k] — exactly the PyTorch layouts, so no weight reshuffling is needed.
 */
export interface ConvGeometry {
  readonly big: Shape5D;
  readonly small: Shape5D;
  readonly spec: ConvSpec;
}

/** The forward-conv geometry of a workload (see above). */
export function convGeometry(w: ConvWorkload): ConvGeometry {
  const out = convOutputShape(w);
  return w.spec.transposed
    ? { big: out, small: w.input, spec: w.spec }
    : { big: w.input, small: out, spec: w.spec };
}

type Mode = 'gather' | 'scatter' | 'weight';

/** Range of o in [0, S) with 0 ≤ o·s − p + k·d < B, as [lo, hi). */
function validRange(S: number, B: number, s: number, p: number, kd: number): [number, number] {
  const lo = Math.max(0, Math.ceil((p - kd) / s));
  const hi = Math.min(S, Math.floor((B - 1 + p - kd) / s) + 1);
  return [lo, Math.max(lo, hi)];
}

function correlate(
  mode: Mode,
  g: ConvGeometry,
  big: Float64Array,
  small: Float64Array,
  w: Float64Array,
): void {
  const [N, Cb, Bd, Bh, Bw] = g.big;
  const [, Cs, Sd, Sh, Sw] = g.small;
  const [Kd, Kh, Kw] = g.spec.kernel;
  const [sd, sh, sw] = g.spec.stride;
  const [pd, ph, pw] = g.spec.padding;
  const [dd, dh, dw] = g.spec.dilation;
  const K = Kd * Kh * Kw;
  const bigVol = Bd * Bh * Bw;
  const smallVol = Sd * Sh * Sw;
  for (let n = 0; n < N; n++) {
    for (let a = 0; a < Cs; a++) {
      const sBaseC = (n * Cs + a) * smallVol;
      for (let b = 0; b < Cb; b++) {
        const bBaseC = (n * Cb + b) * bigVol;
        for (let kd = 0; kd < Kd; kd++) {
          const [zlo, zhi] = validRange(Sd, Bd, sd, pd, kd * dd);
          for (let kh = 0; kh < Kh; kh++) {
            const [ylo, yhi] = validRange(Sh, Bh, sh, ph, kh * dh);
            for (let kw = 0; kw < Kw; kw++) {
              const [xlo, xhi] = validRange(Sw, Bw, sw, pw, kw * dw);
              const wi = (a * Cb + b) * K + (kd * Kh + kh) * Kw + kw;
              const wv = w[wi]!;
              let acc = 0;
              for (let oz = zlo; oz < zhi; oz++) {
                const iz = oz * sd - pd + kd * dd;
                for (let oy = ylo; oy < yhi; oy++) {
                  const iy = oy * sh - ph + kh * dh;
                  const sRow = sBaseC + (oz * Sh + oy) * Sw;
                  const bRow = bBaseC + (iz * Bh + iy) * Bw - pw + kw * dw;
                  if (mode === 'gather') {
                    for (let ox = xlo; ox < xhi; ox++) small[sRow + ox]! += big[bRow + ox * sw]! * wv;
                  } else if (mode === 'scatter') {
                    for (let ox = xlo; ox < xhi; ox++) big[bRow + ox * sw]! += small[sRow + ox]! * wv;
                  } else {
                    for (let ox = xlo; ox < xhi; ox++) acc += big[bRow + ox * sw]! * small[sRow + ox]!;
                  }
                }
              }
              if (mode === 'weight') w[wi]! += acc;
            }
          }
        }
      }
    }
  }
}

function asF64(data: ArrayLike<number>, shape: Shape, what: string): Float64Array {
  const n = numel(shape);
  if (data.length !== n) {
    throw new ShapeError(
      `reference conv: ${what} has ${data.length} values, shape [${shape.join(',')}] needs ${n}`,
    );
  }
  return Float64Array.from(data);
}

/** y = conv(x, W) (for a transposed workload: the transposed conv's output). */
export function referenceConvForward(
  w: ConvWorkload,
  x: ArrayLike<number>,
  weight: ArrayLike<number>,
): Float64Array {
  const g = convGeometry(w);
  const W = asF64(weight, convWeightShape(w), 'weight');
  const xin = asF64(x, w.input, 'x');
  if (w.spec.transposed) {
    const y = new Float64Array(numel(g.big));
    correlate('scatter', g, y, xin, W);
    return y;
  }
  const y = new Float64Array(numel(g.small));
  correlate('gather', g, xin, y, W);
  return y;
}

/** dx = ∂L/∂x given dy = ∂L/∂y and W. */
export function referenceConvBackwardData(
  w: ConvWorkload,
  dy: ArrayLike<number>,
  weight: ArrayLike<number>,
): Float64Array {
  const g = convGeometry(w);
  const W = asF64(weight, convWeightShape(w), 'weight');
  const dyin = asF64(dy, convOutputShape(w), 'dy');
  if (w.spec.transposed) {
    const dx = new Float64Array(numel(g.small));
    correlate('gather', g, dyin, dx, W);
    return dx;
  }
  const dx = new Float64Array(numel(g.big));
  correlate('scatter', g, dx, dyin, W);
  return dx;
}

/** dW = ∂L/∂W given x and dy, in the workload's PyTorch weight layout. */
export function referenceConvBackwardFilter(
  w: ConvWorkload,
  x: ArrayLike<number>,
  dy: ArrayLike<number>,
): Float64Array {
  const g = convGeometry(w);
  const xin = asF64(x, w.input, 'x');
  const dyin = asF64(dy, convOutputShape(w), 'dy');
  const dW = new Float64Array(numel(convWeightShape(w)));
  if (w.spec.transposed) correlate('weight', g, dyin, xin, dW);
  else correlate('weight', g, xin, dyin, dW);
  return dW;
}

/**
 * One pass of the reference conv. Operands are, in order:
 *   forward (x, W) · backwardData (dy, W) · backwardFilter (x, dy).
 */
export function referenceConv(
  pass: ConvPass,
  w: ConvWorkload,
  a: ArrayLike<number>,
  b: ArrayLike<number>,
): Float64Array {
  switch (pass) {
    case 'forward':
      return referenceConvForward(w, a, b);
    case 'backwardData':
      return referenceConvBackwardData(w, a, b);
    case 'backwardFilter':
      return referenceConvBackwardFilter(w, a, b);
  }
}
