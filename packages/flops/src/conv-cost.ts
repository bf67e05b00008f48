import { type ConvWorkload, convOutputShape, numel } from '@unet3d/core';
import type { OpCost, PassCost } from './pass-cost.js';
import { macsToFlop } from './units.js';

/**
 * Forward MACs of a 3-D convolution (bias excluded; see bias-cost.ts).
 *   direct:     N·Cout·outD·outH·outW · Cin·kd·kh·kw  (one MAC per output element per kernel tap per input channel)
 *   transposed: N·Cin·inD·inH·inW · Cout·kd·kh·kw     (each input element scatters a kernel to every output channel)
 * Padded taps are counted (dense GEMM-style accounting, as the paper's O(l) = h·w·c²·bs·kh·kw does).
 */
export function convForwardMacs(w: ConvWorkload): number {
  const [kd, kh, kw] = w.spec.kernel;
  const taps = kd * kh * kw;
  const [n, cin, d, h, wd] = w.input;
  if (w.spec.transposed) return n * cin * d * h * wd * w.outChannels * taps;
  const [, cout, od, oh, ow] = convOutputShape(w);
  return n * cout * od * oh * ow * cin * taps;
}

/** Weight count Cin·Cout·kd·kh·kw (no bias). */
export function convWeightCount(w: ConvWorkload): number {
  const [kd, kh, kw] = w.spec.kernel;
  return w.input[1] * w.outChannels * kd * kh * kw;
}

function macPass(macs: number, readElements: number, writeElements: number): PassCost {
  return { macs, flop: macsToFlop(macs), readElements, writeElements };
}

/**
 * A convolution's three passes. Backward-data (dx from dy and W) and backward-filter (dW from x and dy) each
 * do exactly the forward's MACs: they are the same products summed along other indices.
 * Fewest elements: forward reads x and W, writes y; backward-data reads dy and W, writes dx; backward-filter
 * reads x and dy, writes dW.
 */
export function convCost(w: ConvWorkload): OpCost {
  const macs = convForwardMacs(w);
  const x = numel(w.input);
  const y = numel(convOutputShape(w));
  const weights = convWeightCount(w);
  return {
    forward: macPass(macs, x + weights, y),
    backwardData: macPass(macs, y + weights, x),
    backwardFilter: macPass(macs, x + y, weights),
    params: weights,
  };
}
