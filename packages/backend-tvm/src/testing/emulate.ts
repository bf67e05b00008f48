import { indexFunctions, indexFunctionToJs } from '../templates/index-fns.js';
import type { GemmConvProblem } from '../templates/problem.js';

/**
 * Evaluate a problem's implicit GEMM on the CPU through the JavaScript twin of the generated index
 * functions: C[cIndex(m, j)] = Σ_kk A[aIndex(m, kk)] · B[bIndex(kk, j)]. Float64; for tests on tiny shapes.
 * A, B are in kernel argument order (weights/in for data kinds; A/B operands for wgrad).
 */
export function emulateGemm(p: GemmConvProblem, A: ArrayLike<number>, B: ArrayLike<number>): Float64Array {
  const f = indexFunctions(p);
  const ai = indexFunctionToJs(f.aIndex);
  const bi = indexFunctionToJs(f.bIndex);
  const ci = indexFunctionToJs(f.cIndex);
  const C = new Float64Array(p.sizeC);
  const seen = new Uint8Array(p.sizeC);
  for (let m = 0; m < p.gemmM; m++) {
    for (let j = 0; j < p.gemmN; j++) {
      let s = 0;
      for (let kk = 0; kk < p.gemmK; kk++) {
        const ib = bi(kk, j);
        if (ib < 0) continue;
        if (ib >= p.sizeB) throw new RangeError(`bIndex(${kk}, ${j}) = ${ib} out of range`);
        const ia = ai(m, kk);
        if (ia < 0 || ia >= p.sizeA) throw new RangeError(`aIndex(${m}, ${kk}) = ${ia} out of range`);
        s += A[ia]! * B[ib]!;
      }
      const c = ci(m, j);
      if (c < 0 || c >= p.sizeC) throw new RangeError(`cIndex(${m}, ${j}) = ${c} out of range`);
      if (seen[c]) throw new RangeError(`cIndex maps two GEMM cells to ${c}`);
      seen[c] = 1;
      C[c] = s;
    }
  }
  if (seen.some((v) => v === 0)) throw new RangeError('cIndex does not cover C');
  return C;
}
