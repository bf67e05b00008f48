import { describe, expect, it } from 'vitest';
import { naiveFilterGrad, naiveForward, naiveScatter } from './naive-conv.js';

const dot = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
};
const rand = (n: number, seed: number) =>
  Float32Array.from({ length: n }, (_, i) => Math.sin(seed * 7.1 + i * 1.3));

describe('naive conv oracle (for the GPU tests)', () => {
  const xDims = [1, 2, 3, 7, 6];
  const wDims = [3, 2, 1, 3, 3];
  const yDims = [1, 3, 3, 4, 3]; // stride (1,2,2), pad (0,1,1)
  const g = { pad: [0, 1, 1], stride: [1, 2, 2], dilation: [1, 1, 1] };
  const x = rand(2 * 3 * 7 * 6, 1);
  const w = rand(3 * 2 * 9, 2);
  const dy = rand(3 * 3 * 4 * 3, 3);

  it('computes a known value', () => {
    const y = naiveForward(
      new Float32Array(x.length).fill(1),
      xDims,
      new Float32Array(w.length).fill(1),
      wDims,
      yDims,
      g,
    );
    expect(y[0]).toBe(2 * 2 * 2); // corner: 2×2 taps inside, 2 channels
  });
  it('scatter is the adjoint of forward, and filter grad matches', () => {
    const y = naiveForward(x, xDims, w, wDims, yDims, g);
    const dx = naiveScatter(dy, yDims, w, wDims, xDims, g);
    expect(dot(y, dy)).toBeCloseTo(dot(x, dx), 9);
    const dw = naiveFilterGrad(x, xDims, dy, yDims, wDims, g);
    expect(dot(dw, w)).toBeCloseTo(dot(y, dy), 9);
  });
});
