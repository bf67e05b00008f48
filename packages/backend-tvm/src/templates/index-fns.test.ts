import {
  CONV_PASSES,
  type ConvWorkload,
  convSpec,
  convWorkload,
  mixSeed,
  numel,
  type SeededRng as Rng,
  seededRng,
  shape5d,
} from '@unet3d/core';
import { referenceConv } from '@unet3d/core/testing';
import { describe, expect, it } from 'vitest';
import { passOperandShapes } from '../pass-operands.js';
import { emulateGemm } from '../testing/emulate.js';
import { indexFunctions, indexFunctionsToCuda } from './index-fns.js';
import { gemmProblem, kernelOperands } from './problem.js';

const cases: Array<[string, ConvWorkload]> = [
  ['3x3x3 pad 1', convWorkload(shape5d(1, 3, 4, 5, 6), 4, convSpec({ kernel: 3, padding: 1 }))],
  ['1x1x1', convWorkload(shape5d(2, 5, 3, 3, 2), 3, convSpec({ kernel: 1 }))],
  [
    'embedding 1x5x5 s(1,2,2) p(0,2,2)',
    convWorkload(
      shape5d(1, 1, 3, 8, 7),
      4,
      convSpec({ kernel: [1, 5, 5], stride: [1, 2, 2], padding: [0, 2, 2] }),
    ),
  ],
  [
    'head transposed k=s=(1,2,2)',
    convWorkload(
      shape5d(1, 4, 3, 4, 3),
      2,
      convSpec({ kernel: [1, 2, 2], stride: [1, 2, 2], transposed: true }),
    ),
  ],
  [
    'transposed k3 s2 p1 op1 dil',
    convWorkload(
      shape5d(2, 3, 2, 3, 3),
      2,
      convSpec({ kernel: 3, stride: 2, padding: 1, outputPadding: 1, transposed: true }),
    ),
  ],
  [
    'dilated strided',
    convWorkload(
      shape5d(1, 2, 7, 6, 5),
      3,
      convSpec({ kernel: 2, stride: [2, 1, 2], dilation: 2, padding: 1 }),
    ),
  ],
];

function randomArray(n: number, rng: Rng): Float64Array {
  const a = new Float64Array(n);
  for (let i = 0; i < n; i++) a[i] = rng.next() * 2 - 1;
  return a;
}

describe('index functions (the code the kernels compile, run as JavaScript)', () => {
  for (const [label, w] of cases) {
    for (const pass of CONV_PASSES) {
      it(`${label} ${pass} equals the naive reference`, () => {
        const rng = seededRng(mixSeed(7));
        const [sa, sb] = passOperandShapes(w, pass);
        const a = randomArray(numel(sa), rng);
        const b = randomArray(numel(sb), rng);
        const ref = referenceConv(pass, w, a, b);
        const p = gemmProblem(w, pass);
        const [A, B] = kernelOperands(p, w.spec.transposed, a, b);
        expect(A.length).toBe(p.sizeA);
        expect(B.length).toBe(p.sizeB);
        const got = emulateGemm(p, A, B);
        expect(got.length).toBe(ref.length);
        for (let i = 0; i < ref.length; i++) expect(got[i]).toBeCloseTo(ref[i]!, 10);
      });
    }
  }

  it('emits CUDA with int declarations and prefixed names', () => {
    const p = gemmProblem(cases[0]![1], 'forward');
    const cu = indexFunctionsToCuda(indexFunctions(p), 'k0');
    expect(cu).toContain('__device__ __forceinline__ int k0_b_index(int kk, int j)');
    expect(cu).not.toContain('IDX');
  });
});
