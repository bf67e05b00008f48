import { type ConvSpecInit, convSpec } from '../conv-spec.js';
import { type ConvWorkload, convWorkload, convWorkloadKey } from '../conv-workload.js';
import type { Shape5D } from '../shape.js';

/** A conformance case: a short readable name and the workload. */
export interface NamedWorkload {
  readonly name: string;
  readonly workload: ConvWorkload;
}

function named(name: string, input: Shape5D, outChannels: number, spec: ConvSpecInit): NamedWorkload {
  return { name, workload: convWorkload(input, outChannels, convSpec(spec)) };
}

/**
 * The fixed conformance table: every kind of convolution the networks use (3×3×3 and 1×5×5 "same", the
 * strided (1,2,2) 1×5×5 embedding, 1×1×1, the k = s = (1,2,2) transposed head), plus the generic cases a
 * backend must still get right (valid padding, stride 2, dilation, transposed with output padding),
 * at odd sizes and batch 2. Shapes are tiny so the reference stays fast.
 */
export const CONFORMANCE_WORKLOADS: readonly NamedWorkload[] = [
  named('conv3x3x3 same', [1, 3, 5, 6, 7], 4, { kernel: 3, padding: 'same' }),
  named('conv3x3x3 same batch2', [2, 2, 4, 5, 3], 3, { kernel: 3, padding: 'same' }),
  named('conv3x3x3 valid odd', [1, 2, 5, 7, 6], 3, { kernel: 3 }),
  named('conv1x1x1 batch2', [2, 5, 3, 4, 5], 3, { kernel: 1 }),
  named('conv1x5x5 same', [1, 2, 3, 9, 7], 3, { kernel: [1, 5, 5], padding: 'same' }),
  named('embed1x5x5 s122', [1, 1, 3, 10, 12], 4, {
    kernel: [1, 5, 5],
    stride: [1, 2, 2],
    padding: [0, 2, 2],
  }),
  named('embed1x5x5 s122 odd batch2', [2, 2, 3, 9, 11], 3, {
    kernel: [1, 5, 5],
    stride: [1, 2, 2],
    padding: [0, 2, 2],
  }),
  named('conv k122 s122 odd', [1, 3, 2, 7, 6], 4, { kernel: [1, 2, 2], stride: [1, 2, 2] }),
  named('conv1x1x1 s2 odd', [1, 3, 5, 4, 5], 2, { kernel: 1, stride: 2 }),
  named('conv3x3x3 s2 p1', [1, 2, 7, 8, 9], 3, { kernel: 3, stride: 2, padding: 1 }),
  named('conv3x3x3 dil2', [1, 2, 6, 7, 8], 2, { kernel: 3, dilation: 2, padding: 2 }),
  named('convT k122 s122', [1, 4, 3, 4, 5], 3, { kernel: [1, 2, 2], stride: [1, 2, 2], transposed: true }),
  named('convT k122 s122 odd batch2', [2, 3, 3, 5, 3], 2, {
    kernel: [1, 2, 2],
    stride: [1, 2, 2],
    transposed: true,
  }),
  named('convT k3 s1 p1', [1, 3, 4, 5, 6], 2, { kernel: 3, padding: 1, transposed: true }),
  named('convT k3 s2 p1 op1', [1, 3, 3, 4, 5], 2, {
    kernel: 3,
    stride: 2,
    padding: 1,
    outputPadding: 1,
    transposed: true,
  }),
  named('convT k3 d2 p1 op1', [1, 2, 3, 4, 4], 2, {
    kernel: 3,
    dilation: 2,
    padding: 1,
    outputPadding: 1,
    transposed: true,
  }),
];

export interface ConformanceWorkloadOptions {
  /**
   * Extra workloads from the caller, e.g. a network's convolutions at a reduced patch (the model package
   * provides them; core does not know the networks). Duplicates of the same workload are dropped.
   */
  networkConvWorkloads?: readonly ConvWorkload[];
}

/** The fixed table followed by the caller's network workloads (named `network <key>`), deduplicated. */
export function conformanceWorkloads(options: ConformanceWorkloadOptions = {}): NamedWorkload[] {
  const out = [...CONFORMANCE_WORKLOADS];
  const seen = new Set(out.map((c) => convWorkloadKey(c.workload)));
  for (const w of options.networkConvWorkloads ?? []) {
    const key = convWorkloadKey(w);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ name: `network ${key}`, workload: w });
  }
  return out;
}
