import { type ConvSpec, convOutputSpatial } from './conv-spec.js';
import { ShapeError } from './errors.js';
import { type Shape, type Shape5D, spatialOf } from './shape.js';

/**
 * One convolution problem: an input shape, an output channel count and a spec.
 * Weight layout follows PyTorch: forward conv [Cout, Cin, kd, kh, kw]; transposed conv [Cin, Cout, kd, kh, kw].
 * Convolutions carry no bias here; a bias (where a layer has one) is a separate device op.
 */
export interface ConvWorkload {
  readonly input: Shape5D;
  readonly outChannels: number;
  readonly spec: ConvSpec;
}

export type ConvPass = 'forward' | 'backwardData' | 'backwardFilter';
export const CONV_PASSES: readonly ConvPass[] = ['forward', 'backwardData', 'backwardFilter'];

export function convWorkload(input: Shape5D, outChannels: number, spec: ConvSpec): ConvWorkload {
  if (!Number.isInteger(outChannels) || outChannels <= 0) {
    throw new ShapeError(`output channels must be a positive integer, got ${outChannels}`);
  }
  convOutputSpatial(spec, spatialOf(input)); // validates
  return { input, outChannels, spec };
}

export function convOutputShape(w: ConvWorkload): Shape5D {
  const [d, h, wd] = convOutputSpatial(w.spec, spatialOf(w.input));
  return [w.input[0], w.outChannels, d, h, wd];
}

export function convWeightShape(w: ConvWorkload): Shape {
  const [kd, kh, kw] = w.spec.kernel;
  return w.spec.transposed
    ? [w.input[1], w.outChannels, kd, kh, kw]
    : [w.outChannels, w.input[1], kd, kh, kw];
}

/** A stable string key for caching per-workload state (sessions, algorithms, tuning records). */
export function convWorkloadKey(w: ConvWorkload): string {
  const s = w.spec;
  return [
    s.transposed ? 'convT' : 'conv',
    `in${w.input.join('x')}`,
    `out${w.outChannels}`,
    `k${s.kernel.join('x')}`,
    `s${s.stride.join('x')}`,
    `p${s.padding.join('x')}`,
    `d${s.dilation.join('x')}`,
    ...(s.transposed ? [`op${s.outputPadding.join('x')}`] : []),
  ].join('_');
}
