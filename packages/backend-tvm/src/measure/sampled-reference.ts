import {
  type ConvPass,
  type ConvWorkload,
  convOutputShape,
  convWeightShape,
  numel,
  type SeededRng,
} from '@unet3d/core';

/**
 * Float64 values of chosen elements of a conv pass's result, straight from the definition of the
 * convolution (NCDHW; conv weight [Cout, Cin, k], transposed weight [Cin, Cout, k]; PyTorch's convention):
 *   conv:        y[n,co,o] = Σ_{ci,k} x[n,ci,o·s − p + k·d] · W[co,ci,k]
 *   transposed:  y[n,co,o] = Σ_{ci,k,i : i·s − p + k·d = o} x[n,ci,i] · W[ci,co,k]
 * and their backward-data / backward-filter. For checking results too large for core's full float64
 * `referenceConv` (which this is tested against on small shapes). Operands in referenceConv's order:
 * forward (x, W), backwardData (dy, W), backwardFilter (x, dy).
 */
export function sampledReference(
  pass: ConvPass,
  w: ConvWorkload,
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  at: readonly number[],
): Float64Array {
  const { kernel: K, stride: S, padding: P, dilation: D, transposed } = w.spec;
  const x = w.input;
  const y = convOutputShape(w);
  const [N, CI] = [x[0], x[1]];
  const CO = w.outChannels;
  const xs = [x[2], x[3], x[4]] as const;
  const ys = [y[2], y[3], y[4]] as const;
  const kv = K[0] * K[1] * K[2];
  // For a conv, "small" = y and "big" = x: big index = small·s − p + k·d. Transposed: small = x, big = y.
  const small = transposed ? xs : ys;
  const big = transposed ? ys : xs;
  const smallC = transposed ? CI : CO;
  const bigC = transposed ? CO : CI;
  const vol = (s: readonly number[]) => s[0]! * s[1]! * s[2]!;
  // Weight W(smallChannel, bigChannel, k): conv [CO, CI, k] (CO small), transposed [CI, CO, k] (CI small).
  const wIdx = (sc: number, bc: number, k: number) => (sc * bigC + bc) * kv + k;
  const unflat = (idx: number, dims: readonly number[]): number[] => {
    const out: number[] = new Array(dims.length);
    for (let i = dims.length - 1; i >= 0; i--) {
      out[i] = idx % dims[i]!;
      idx = Math.floor(idx / dims[i]!);
    }
    return out;
  };
  const flatSp = (s: readonly number[], v: readonly number[]) => (v[0]! * s[1]! + v[1]!) * s[2]! + v[2]!;
  const kOff = (k: number) => unflat(k, K);
  const bigFromSmall = (o: readonly number[], k: readonly number[]): number[] | undefined => {
    const r = [0, 1, 2].map((a) => o[a]! * S[a]! - P[a]! + k[a]! * D[a]!);
    return r.every((v, a) => v >= 0 && v < big[a]!) ? r : undefined;
  };
  const smallFromBig = (i: readonly number[], k: readonly number[]): number[] | undefined => {
    const r: number[] = [];
    for (let a = 0; a < 3; a++) {
      const t = i[a]! + P[a]! - k[a]! * D[a]!;
      if (t % S[a]! !== 0) return undefined;
      const o = t / S[a]!;
      if (o < 0 || o >= small[a]!) return undefined;
      r.push(o);
    }
    return r;
  };
  const out = new Float64Array(at.length);
  // "small" tensor and "big" tensor operands and which result we compute.
  const isFwd = pass === 'forward';
  const isBwdData = pass === 'backwardData';
  // Result lives on: conv fwd → small, conv bwdData → big; transposed fwd → big, transposed bwdData → small.
  const resultOnSmall = isFwd ? !transposed : isBwdData ? transposed : false;
  at.forEach((idx, j) => {
    let s = 0;
    if (pass === 'backwardFilter') {
      const [sc0, bc0, k] = transposed ? unflat(idx, [CI, CO, kv]) : unflat(idx, [CO, CI, kv]);
      // conv: dW[co,ci,k] = Σ dy[n,co,o]·x[n,ci,big]; transposed: dW[ci,co,k] = Σ x[n,ci,i]·dy[n,co,big].
      const smallT = transposed ? a : b; // conv: dy is b (small); transposed: x is a (small)
      const bigT = transposed ? b : a;
      const sc = sc0!;
      const bc = bc0!;
      const kk = kOff(k!);
      for (let n = 0; n < N; n++)
        for (let o0 = 0; o0 < small[0]; o0++)
          for (let o1 = 0; o1 < small[1]; o1++)
            for (let o2 = 0; o2 < small[2]; o2++) {
              const bi = bigFromSmall([o0, o1, o2], kk);
              if (!bi) continue;
              s +=
                smallT[(n * smallC + sc) * vol(small) + flatSp(small, [o0, o1, o2])]! *
                bigT[(n * bigC + bc) * vol(big) + flatSp(big, bi)]!;
            }
    } else if (resultOnSmall) {
      // result[n, sc, o] = Σ_{bc,k} big[n, bc, o·s − p + k·d] · W(sc, bc, k); big operand = a (conv fwd x, transposed bwdData dy)
      const [n, sc, o0, o1, o2] = unflat(idx, [N, smallC, ...small]);
      for (let bc = 0; bc < bigC; bc++)
        for (let k = 0; k < kv; k++) {
          const bi = bigFromSmall([o0!, o1!, o2!], kOff(k));
          if (!bi) continue;
          s += a[(n! * bigC + bc) * vol(big) + flatSp(big, bi)]! * b[wIdx(sc!, bc, k)]!;
        }
    } else {
      // result[n, bc, i] = Σ_{sc,k, o: o·s − p + k·d = i} small[n, sc, o] · W(sc, bc, k); small operand = a
      const [n, bc, i0, i1, i2] = unflat(idx, [N, bigC, ...big]);
      for (let sc = 0; sc < smallC; sc++)
        for (let k = 0; k < kv; k++) {
          const o = smallFromBig([i0!, i1!, i2!], kOff(k));
          if (!o) continue;
          s += a[(n! * smallC + sc) * vol(small) + flatSp(small, o)]! * b[wIdx(sc, bc!, k)]!;
        }
    }
    out[j] = s;
  });
  return out;
}

/** Result element count of a pass. */
export function passResultSize(pass: ConvPass, w: ConvWorkload): number {
  if (pass === 'forward') return numel(convOutputShape(w));
  if (pass === 'backwardData') return numel(w.input);
  return numel(convWeightShape(w));
}

/** `count` distinct-ish sample positions in [0, size): the first and last element plus seeded random ones. */
export function samplePositions(size: number, count: number, rng: SeededRng): number[] {
  if (size <= count) return Array.from({ length: size }, (_, i) => i);
  const out = [0, size - 1];
  while (out.length < count) out.push(rng.int(size));
  return out;
}
