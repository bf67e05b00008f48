import type { ConvBackend } from '../conv-backend.js';
import {
  CONV_PASSES,
  type ConvPass,
  type ConvWorkload,
  convOutputShape,
  convWeightShape,
  convWorkloadKey,
} from '../conv-workload.js';
import type { HostArray, Tensor } from '../device.js';
import { errorToOneLine } from '../errors.js';
import { seededRng } from '../seeded-rng.js';
import { numel, type Shape, shapesEqual } from '../shape.js';
import type { NamedWorkload } from './conformance-workloads.js';
import { randomFloat32 } from './random-float32.js';
import { referenceConv } from './reference-conv.js';

/** Denominator floor of the relative error, so an all-zero reference does not divide by zero. */
export const REL_ERROR_FLOOR = 1e-30;

export interface ConformanceOptions {
  /** Largest accepted relative error (see `errorStats`), e.g. 1e-4 for fp32. */
  tolerance: number;
  /** Seed of the operand generator; the same seed gives the same operands. */
  seed: number;
  /** Passes to check, default all three. */
  passes?: readonly ConvPass[];
}

export interface ConformanceResult {
  readonly name: string;
  readonly key: string;
  readonly convPass: ConvPass;
  readonly maxAbsError: number;
  /** max|a − b| / max(max|b|, REL_ERROR_FLOOR), b the reference; Infinity on a shape mismatch or NaN. */
  readonly maxRelError: number;
  readonly pass: boolean;
  /** Why the pass failed without a number: the backend threw, or returned the wrong shape. */
  readonly error?: string;
}

/**
 * Error of `actual` against `reference`: the largest absolute difference, and that difference divided by
 * the largest reference magnitude (a norm-wise relative error: robust to reference entries near zero, which
 * an element-wise ratio is not). NaN anywhere in `actual` gives Infinity.
 */
export function errorStats(
  actual: ArrayLike<number>,
  reference: ArrayLike<number>,
): { maxAbsError: number; maxRelError: number } {
  if (actual.length !== reference.length) return { maxAbsError: Infinity, maxRelError: Infinity };
  let maxAbs = 0;
  let maxRef = 0;
  for (let i = 0; i < reference.length; i++) {
    const a = actual[i]!;
    const b = reference[i]!;
    const d = Math.abs(a - b);
    if (!(d <= maxAbs)) maxAbs = Number.isNaN(d) ? Infinity : d;
    const m = Math.abs(b);
    if (m > maxRef) maxRef = m;
  }
  return { maxAbsError: maxAbs, maxRelError: maxAbs / Math.max(maxRef, REL_ERROR_FLOOR) };
}

function caseSeed(seed: number, index: number, convPass: ConvPass): number {
  return (
    (Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) + index * 7919 + CONV_PASSES.indexOf(convPass) * 104729) >>> 0
  );
}

/** Shapes of a pass's two operands and result. */
function passShapes(w: ConvWorkload, convPass: ConvPass): [Shape, Shape, Shape] {
  const x = w.input;
  const y = convOutputShape(w);
  const W = convWeightShape(w);
  switch (convPass) {
    case 'forward':
      return [x, W, y];
    case 'backwardData':
      return [y, W, x];
    case 'backwardFilter':
      return [x, y, W];
  }
}

async function runPass(backend: ConvBackend, w: ConvWorkload, convPass: ConvPass, a: Tensor, b: Tensor) {
  switch (convPass) {
    case 'forward':
      return backend.forward(w, a, b);
    case 'backwardData':
      return backend.backwardData(w, a, b);
    case 'backwardFilter':
      return backend.backwardFilter(w, a, b);
  }
}

/**
 * Run each workload and pass on `backend` with seeded random operands (fp32-representable values in
 * [-1, 1)) and compare with the float64 reference. Never throws for a backend failure: it is reported in
 * the result. Usable from tests and from the CLI (no test-framework imports).
 */
export async function checkBackendAgainstReference(
  backend: ConvBackend,
  workloads: readonly (NamedWorkload | ConvWorkload)[],
  options: ConformanceOptions,
): Promise<ConformanceResult[]> {
  const device = backend.device;
  const results: ConformanceResult[] = [];
  for (const [index, item] of workloads.entries()) {
    const w = 'workload' in item ? item.workload : item;
    const key = convWorkloadKey(w);
    const name = 'workload' in item ? item.name : key;
    for (const convPass of options.passes ?? CONV_PASSES) {
      const rng = seededRng(caseSeed(options.seed, index, convPass));
      const [sa, sb, sOut] = passShapes(w, convPass);
      const ha = randomFloat32(rng, numel(sa));
      const hb = randomFloat32(rng, numel(sb));
      const reference = referenceConv(convPass, w, ha, hb);
      const tensors: Tensor[] = [];
      let actual: HostArray | undefined;
      let error: string | undefined;
      try {
        const ta = device.upload(ha, sa);
        tensors.push(ta);
        const tb = device.upload(hb, sb);
        tensors.push(tb);
        if (backend.prepare) await backend.prepare(w, [convPass]);
        const out = await runPass(backend, w, convPass, ta, tb);
        tensors.push(out);
        device.synchronize();
        if (!shapesEqual(out.shape, sOut)) {
          error = `result shape [${out.shape.join(',')}], expected [${sOut.join(',')}]`;
        } else {
          actual = device.download(out);
        }
      } catch (err) {
        error = errorToOneLine(err);
      } finally {
        for (const t of tensors) device.free(t);
      }
      if (actual) {
        const stats = errorStats(actual, reference);
        results.push({ name, key, convPass, ...stats, pass: stats.maxRelError <= options.tolerance });
      } else {
        results.push({
          name,
          key,
          convPass,
          maxAbsError: Infinity,
          maxRelError: Infinity,
          pass: false,
          error,
        });
      }
    }
  }
  return results;
}

/** One line per result, for a CLI or a failing test's message. */
export function formatConformanceResult(r: ConformanceResult): string {
  const verdict = r.pass ? 'ok  ' : 'FAIL';
  const detail = r.error ?? `rel ${r.maxRelError.toExponential(2)} abs ${r.maxAbsError.toExponential(2)}`;
  return `${verdict} ${r.name} [${r.convPass}] ${detail}`;
}
