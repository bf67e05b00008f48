import { describe, expect, it } from 'vitest';
import { convSpec } from '../conv-spec.js';
import { type ConvWorkload, convOutputShape, convWeightShape, convWorkload } from '../conv-workload.js';
import { seededRng } from '../seeded-rng.js';
import { numel, type Shape5D } from '../shape.js';
import { CONFORMANCE_WORKLOADS } from './conformance-workloads.js';
import { randomFloat32 } from './random-float32.js';
import {
  referenceConvBackwardData,
  referenceConvBackwardFilter,
  referenceConvForward,
} from './reference-conv.js';

const dot = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
};

/** A 1-D problem along axis `axis` (0 = z, 1 = y, 2 = x): the other extents are 1. */
function along(axis: number, n: number): Shape5D {
  const s = [1, 1, 1, 1, 1];
  s[2 + axis] = n;
  return s as unknown as Shape5D;
}
function kernelAlong(axis: number, k: number): [number, number, number] {
  const t: [number, number, number] = [1, 1, 1];
  t[axis] = k;
  return t;
}
function scalarAlong(axis: number, v: number, rest = 0): [number, number, number] {
  const t: [number, number, number] = [rest, rest, rest];
  t[axis] = v;
  return t;
}

describe('reference conv: hand-computed cases', () => {
  for (const axis of [0, 1, 2]) {
    it(`cross-correlates along axis ${'zyx'[axis]} with padding and stride`, () => {
      const x = [1, 2, 3, 4];
      const W = [1, 0, -1];
      const same = convWorkload(
        along(axis, 4),
        1,
        convSpec({ kernel: kernelAlong(axis, 3), padding: scalarAlong(axis, 1) }),
      );
      expect([...referenceConvForward(same, x, W)]).toEqual([-2, -2, -2, 3]);
      const strided = convWorkload(
        along(axis, 4),
        1,
        convSpec({
          kernel: kernelAlong(axis, 3),
          padding: scalarAlong(axis, 1),
          stride: scalarAlong(axis, 2, 1),
        }),
      );
      expect([...referenceConvForward(strided, x, W)]).toEqual([-2, -2]);
      // dx of the strided conv: dy = [1, 10] scattered through W at positions o·2 − 1 + k:
      // o = 0 puts 1·W[2] at 1; o = 1 puts 10·W[0] at 1 and 10·W[2] at 3.
      expect([...referenceConvBackwardData(strided, [1, 10], W)]).toEqual([0, 9, 0, -10]);
      // dW[k] = Σ_o x[2o − 1 + k] dy[o]
      expect([...referenceConvBackwardFilter(strided, x, [1, 10])]).toEqual([20, 1 + 30, 2 + 40]);
    });
  }

  it('transposed conv, stride 2: y[i] = Σ x[o] W[i − 2o]', () => {
    const t = convWorkload(
      along(2, 2),
      1,
      convSpec({ kernel: [1, 1, 3], stride: [1, 1, 2], transposed: true }),
    );
    expect(convOutputShape(t)).toEqual([1, 1, 1, 1, 5]);
    expect([...referenceConvForward(t, [1, 2], [1, 2, 3])]).toEqual([1, 2, 5, 4, 6]);
    // Backward data of a transposed conv is the forward (strided) conv of dy.
    expect([...referenceConvBackwardData(t, [1, 0, 0, 0, 1], [1, 2, 3])]).toEqual([1, 3]);
    // Output padding appends a position that only the last input's last tap could reach (none here).
    const op = convWorkload(
      along(2, 2),
      1,
      convSpec({
        kernel: [1, 1, 3],
        stride: [1, 1, 2],
        padding: [0, 0, 1],
        outputPadding: [0, 0, 1],
        transposed: true,
      }),
    );
    expect([...referenceConvForward(op, [1, 2], [1, 2, 3])]).toEqual([2, 5, 4, 6]);
  });

  it('1×1×1 conv is a channel matrix product, with PyTorch weight layouts', () => {
    const w = convWorkload([1, 2, 1, 1, 2], 3, convSpec({ kernel: 1 }));
    const W = [1, 2, 3, 4, 5, 6]; // [Cout=3, Cin=2]
    const x = [1, 10, 100, 1000]; // c0: [1, 10], c1: [100, 1000]
    expect([...referenceConvForward(w, x, W)]).toEqual([201, 2010, 403, 4030, 605, 6050]);
    const t = convWorkload([1, 3, 1, 1, 1], 2, convSpec({ kernel: 1, transposed: true }));
    expect(convWeightShape(t)).toEqual([3, 2, 1, 1, 1]);
    expect([...referenceConvForward(t, [1, 10, 100], W)]).toEqual([1 + 30 + 500, 2 + 40 + 600]);
  });
});

function operands(w: ConvWorkload, seed: number) {
  const rng = seededRng(seed);
  return {
    x: randomFloat32(rng, numel(w.input)),
    W: randomFloat32(rng, numel(convWeightShape(w))),
    dy: randomFloat32(rng, numel(convOutputShape(w))),
  };
}

describe('reference conv: adjoint identities on the conformance table', () => {
  for (const [i, { name, workload: w }] of CONFORMANCE_WORKLOADS.entries()) {
    it(name, () => {
      const { x, W, dy } = operands(w, 100 + i);
      const y = referenceConvForward(w, x, W);
      const lhs = dot(dy, y);
      expect(lhs).not.toBe(0);
      // <dy, conv(x, W)> = <conv^T(dy, W), x> = <dW(x, dy), W>: conv is bilinear in (x, W).
      expect(dot(referenceConvBackwardData(w, dy, W), x)).toBeCloseTo(lhs, 9);
      expect(dot(referenceConvBackwardFilter(w, x, dy), W)).toBeCloseTo(lhs, 9);
    });
  }
});

describe('reference conv: independent formulations', () => {
  it('finite differences of L = ½‖conv(x, W)‖² match backward-data and backward-filter', () => {
    for (const idx of [0, 5, 10, 13]) {
      const w = CONFORMANCE_WORKLOADS[idx]!.workload;
      const { x, W } = operands(w, 7 + idx);
      const loss = (xx: ArrayLike<number>, WW: ArrayLike<number>) => {
        const y = referenceConvForward(w, xx, WW);
        return dot(y, y) / 2;
      };
      const y = referenceConvForward(w, x, W);
      const dx = referenceConvBackwardData(w, y, W);
      const dW = referenceConvBackwardFilter(w, x, y);
      const h = 1e-4;
      const x64 = Float64Array.from(x);
      const W64 = Float64Array.from(W);
      for (const j of [0, Math.floor(x.length / 2), x.length - 1]) {
        const xp = x64.slice();
        const xm = x64.slice();
        xp[j]! += h;
        xm[j]! -= h;
        expect((loss(xp, W64) - loss(xm, W64)) / (2 * h)).toBeCloseTo(dx[j]!, 5);
      }
      for (const j of [0, Math.floor(W.length / 3), W.length - 1]) {
        const Wp = W64.slice();
        const Wm = W64.slice();
        Wp[j]! += h;
        Wm[j]! -= h;
        expect((loss(x64, Wp) - loss(x64, Wm)) / (2 * h)).toBeCloseTo(dW[j]!, 5);
      }
    }
  });

  it('strided transposed conv = zero-insertion upsampling, then a stride-1 conv with the flipped kernel', () => {
    const t = convWorkload(
      [2, 3, 3, 4, 5],
      2,
      convSpec({
        kernel: [2, 3, 3],
        stride: [1, 2, 3],
        padding: [0, 1, 1],
        outputPadding: [0, 1, 2],
        transposed: true,
      }),
    );
    const { x, W } = operands(t, 3);
    const [N, Ci, D, H, Wd] = t.input;
    const [, Co] = convOutputShape(t);
    const [kd, kh, kw] = t.spec.kernel;
    const [sd, sh, sw] = t.spec.stride;
    const [pd, ph, pw] = t.spec.padding;
    const [od, oh, ow] = t.spec.outputPadding;
    // Upsample with zeros, pad by k − 1 − p (plus output padding at the end), then a valid stride-1 conv.
    const U: Shape5D = [
      N,
      Ci,
      (D - 1) * sd + 1 + 2 * (kd - 1 - pd) + od,
      (H - 1) * sh + 1 + 2 * (kh - 1 - ph) + oh,
      (Wd - 1) * sw + 1 + 2 * (kw - 1 - pw) + ow,
    ];
    const u = new Float64Array(numel(U));
    for (let n = 0; n < N; n++)
      for (let c = 0; c < Ci; c++)
        for (let z = 0; z < D; z++)
          for (let yy = 0; yy < H; yy++)
            for (let xx = 0; xx < Wd; xx++) {
              const src = (((n * Ci + c) * D + z) * H + yy) * Wd + xx;
              const dst =
                (((n * Ci + c) * U[2] + z * sd + kd - 1 - pd) * U[3] + yy * sh + kh - 1 - ph) * U[4] +
                xx * sw +
                kw -
                1 -
                pw;
              u[dst] = x[src]!;
            }
    const K = kd * kh * kw;
    const flipped = new Float64Array(W.length); // [Cout, Cin, k] with the kernel reversed
    for (let ci = 0; ci < Ci; ci++)
      for (let co = 0; co < Co; co++)
        for (let k = 0; k < K; k++) flipped[(co * Ci + ci) * K + (K - 1 - k)] = W[(ci * Co + co) * K + k]!;
    const plain = convWorkload(U, Co, convSpec({ kernel: [kd, kh, kw] }));
    expect(convOutputShape(plain)).toEqual(convOutputShape(t));
    const expected = referenceConvForward(plain, u, flipped);
    const actual = referenceConvForward(t, x, W);
    for (let i = 0; i < expected.length; i++) expect(actual[i]).toBeCloseTo(expected[i]!, 12);
  });

  it('a dilated conv equals a conv with a zero-dilated kernel', () => {
    const w = convWorkload(
      [1, 2, 5, 7, 9],
      3,
      convSpec({ kernel: [1, 2, 3], dilation: [1, 3, 2], padding: [0, 1, 2] }),
    );
    const { x, W } = operands(w, 11);
    const big = new Float64Array(3 * 2 * 1 * 4 * 5);
    for (let c = 0; c < 6; c++)
      for (let a = 0; a < 2; a++)
        for (let b = 0; b < 3; b++) big[c * 20 + a * 3 * 5 + b * 2] = W[c * 6 + a * 3 + b]!;
    const dense = convWorkload([1, 2, 5, 7, 9], 3, convSpec({ kernel: [1, 4, 5], padding: [0, 1, 2] }));
    const expected = referenceConvForward(dense, x, big);
    const actual = referenceConvForward(w, x, W);
    expect(actual.length).toBe(expected.length);
    for (let i = 0; i < expected.length; i++) expect(actual[i]).toBeCloseTo(expected[i]!, 12);
  });
});
