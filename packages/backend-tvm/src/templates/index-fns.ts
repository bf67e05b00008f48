import type { GemmConvProblem } from './problem.js';

/**
 * The three index functions that bind the generic GEMM core of a template to one conv problem:
 *   aIndex(m, kk) → element offset into A (always in range for m < M, kk < K)
 *   bIndex(kk, j) → element offset into B, or −1 where the implicit im2col matrix is zero (padding, stride gaps)
 *   cIndex(m, j)  → element offset into C
 * Emitted as straight-line integer code that is valid in CUDA C *and* (after `toJs`) in JavaScript, so the
 * tests evaluate exactly the code the kernels compile against the naive reference convolution. The only
 * operators used are + − × % comparisons, && || ?: and DIV (truncating division); every operand of DIV and
 * % is ≥ 0 when evaluated, where C and JS agree.
 */
export interface IndexFunctions {
  readonly aIndex: IndexFunction;
  readonly bIndex: IndexFunction;
  readonly cIndex: IndexFunction;
}

export interface IndexFunction {
  readonly params: readonly [string, string];
  /** Statements using `IDX` as the integer type; the last is `return …;`. */
  readonly body: readonly string[];
}

type Lines = string[];

/** Split a flat index `src` into (d, h, w) over `dims`; declares `${p}d ${p}h ${p}w`. */
function unflatten3(out: Lines, p: string, src: string, dims: readonly [number, number, number]): void {
  const [, h, w] = dims;
  out.push(`IDX ${p}d = DIV(${src}, ${h * w});`);
  out.push(`IDX ${p}h = DIV(${src}, ${w}) % ${h};`);
  out.push(`IDX ${p}w = ${src} % ${w};`);
}

/** Declares `${t}d ${t}h ${t}w` (the gathered coordinate) or returns −1 when it falls outside the input. */
function gatherCoord(out: Lines, pr: GemmConvProblem, q: string, k: string, t: string): void {
  const axes = ['d', 'h', 'w'] as const;
  for (let a = 0; a < 3; a++) {
    const ax = axes[a]!;
    out.push(
      `IDX ${t}${ax} = ${q}${ax} * ${pr.stride[a]} - ${pr.padding[a]} + ${k}${ax} * ${pr.dilation[a]};`,
    );
  }
  out.push(
    `if (${axes.map((ax, a) => `${t}${ax} < 0 || ${t}${ax} >= ${pr.inSpatial[a]}`).join(' || ')}) return -1;`,
  );
}

/** Fractional-stride coordinate: i = (o + p − k·d) / s where exact and in range, else −1. */
function fractionalCoord(out: Lines, pr: GemmConvProblem, o: string, k: string, t: string): void {
  const axes = ['d', 'h', 'w'] as const;
  for (let a = 0; a < 3; a++) {
    const ax = axes[a]!;
    const s = pr.stride[a]!;
    out.push(`IDX ${t}${ax}n = ${o}${ax} + ${pr.padding[a]} - ${k}${ax} * ${pr.dilation[a]};`);
    const gaps = s > 1 ? ` || ${t}${ax}n % ${s} != 0` : '';
    out.push(`if (${t}${ax}n < 0${gaps}) return -1;`);
    out.push(`IDX ${t}${ax} = DIV(${t}${ax}n, ${s});`);
    out.push(`if (${t}${ax} >= ${pr.inSpatial[a]}) return -1;`);
  }
}

export function indexFunctions(pr: GemmConvProblem): IndexFunctions {
  const kv = pr.kernel[0] * pr.kernel[1] * pr.kernel[2];
  const ov = pr.outSpatial[0] * pr.outSpatial[1] * pr.outSpatial[2];
  const iv = pr.inSpatial[0] * pr.inSpatial[1] * pr.inSpatial[2];
  const [ih, iw] = [pr.inSpatial[1], pr.inSpatial[2]];
  const bOffset = (n: string, c: string, t: string): string =>
    `return ((${n} * ${pr.cChannels} + ${c}) * ${iv}) + ${t}d * ${ih * iw} + ${t}h * ${iw} + ${t}w;`;

  if (pr.kind === 'wgrad') {
    const a: Lines = [
      `IDX n = DIV(kk, ${ov});`,
      `IDX q = kk % ${ov};`,
      `return (n * ${pr.mChannels} + m) * ${ov} + q;`,
    ];
    const b: Lines = [
      `IDX n = DIV(kk, ${ov});`,
      `IDX q = kk % ${ov};`,
      `IDX c = DIV(j, ${kv});`,
      `IDX k = j % ${kv};`,
    ];
    unflatten3(b, 'q', 'q', pr.outSpatial);
    unflatten3(b, 'k', 'k', pr.kernel);
    gatherCoord(b, pr, 'q', 'k', 'i');
    b.push(bOffset('n', 'c', 'i'));
    const c: Lines = [`return m * ${pr.gemmN} + j;`];
    return {
      aIndex: { params: ['m', 'kk'], body: a },
      bIndex: { params: ['kk', 'j'], body: b },
      cIndex: { params: ['m', 'j'], body: c },
    };
  }
  const a: Lines = [
    `IDX c = DIV(kk, ${kv});`,
    `IDX k = kk % ${kv};`,
    `return m * ${pr.weightStrideM} + c * ${pr.weightStrideC} + k;`,
  ];
  const b: Lines = [
    `IDX c = DIV(kk, ${kv});`,
    `IDX k = kk % ${kv};`,
    `IDX n = DIV(j, ${ov});`,
    `IDX o = j % ${ov};`,
  ];
  unflatten3(b, 'k', 'k', pr.kernel);
  unflatten3(b, 'o', 'o', pr.outSpatial);
  if (pr.kind === 'gather') gatherCoord(b, pr, 'o', 'k', 'i');
  else fractionalCoord(b, pr, 'o', 'k', 'i');
  b.push(bOffset('n', 'c', 'i'));
  const c: Lines = [
    `IDX n = DIV(j, ${ov});`,
    `IDX o = j % ${ov};`,
    `return (n * ${pr.mChannels} + m) * ${ov} + o;`,
  ];
  return {
    aIndex: { params: ['m', 'kk'], body: a },
    bIndex: { params: ['kk', 'j'], body: b },
    cIndex: { params: ['m', 'j'], body: c },
  };
}

/** CUDA C device functions named `${prefix}_a_index` etc. (DIV is defined by the template prelude). */
export function indexFunctionsToCuda(fns: IndexFunctions, prefix: string): string {
  const one = (name: string, f: IndexFunction): string =>
    `__device__ __forceinline__ int ${prefix}_${name}(int ${f.params[0]}, int ${f.params[1]}) {\n` +
    f.body.map((l) => `  ${l.replaceAll('IDX ', 'int ')}`).join('\n') +
    '\n}\n';
  return one('a_index', fns.aIndex) + one('b_index', fns.bIndex) + one('c_index', fns.cIndex);
}

/** The same code as JavaScript functions, for tests and CPU-side emulation. */
export function indexFunctionToJs(f: IndexFunction): (x: number, y: number) => number {
  const body = f.body.map((l) => l.replaceAll('IDX ', 'let ')).join('\n');
  const fn = new Function('DIV', f.params[0], f.params[1], body) as (
    div: (a: number, b: number) => number,
    x: number,
    y: number,
  ) => number;
  const div = (a: number, b: number): number => Math.trunc(a / b);
  return (x, y) => fn(div, x, y);
}
