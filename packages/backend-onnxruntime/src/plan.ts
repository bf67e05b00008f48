import { type ConvPass, type ConvWorkload, convOutputShape, convWeightShape, type Shape } from '@unet3d/core';
import { buildGather, chooseGather, type GatherFormulation } from './gather.js';
import { geometryOf, mapOf } from './geometry.js';
import { GraphBuilder } from './onnx-graph.js';
import { buildScatter, chooseScatter, type ScatterFormulation } from './scatter.js';
import {
  buildWeightGrad,
  chooseWeight,
  type WeightFormulation,
  type WeightGradOptions,
} from './weight-grad.js';

export type Formulation = GatherFormulation | ScatterFormulation | WeightFormulation;

/**
 * One pass of one workload as an ONNX graph: the model bytes, which operand feeds which graph input,
 * and the result's shape. The default formulation per map (see geometry.ts) is the fastest measured:
 *   gather   Conv (onnxruntime's im2col + MLAS GEMM), strided k = s included
 *   scatter  pixel-shuffle for k = s = (1,b,b); polyphase-conv (flipped, channel-swapped sub-kernels,
 *            stride-1 Conv each) for d = 1; ConvTranspose only with dilation
 *   weight   pixel-shuffle for k = s = (1,b,b); im2col-gemm (column blocks ≤ 16 Mi floats) otherwise
 *
 * Measured with scripts/measure-formulations.ts (onnxruntime-node 1.30, CPU provider, intraOpNumThreads 2,
 * fp32, N = 1, 1 MAC = 2 FLOP), candidates interleaved round by round, best of 5, in GFLOP/s. The 2-core
 * build machine was shared with other jobs (load average 4–7 during this run, 7–11 during an earlier one
 * that gave the same ranking at ½–⅓ of these figures), so absolute figures understate an idle machine.
 *   pass / formulation                24→24 3³ @64³   192→192 3³ @16×32²   1×5×5 s(1,2,2) 1→24 @64×128²
 *   forward Conv                      33.7            94.1                 30.5
 *   backward-data polyphase-conv      44.8           139.6                  9.3
 *   backward-data ConvTranspose        4.5            28.8                  4.5
 *   backward-filter im2col-gemm 16Mi  17.7            87.7                  8.6
 *   backward-filter im2col-gemm 4Mi   15.7            81.4                  —
 *   backward-filter tap-gemm          17.1            81.9                  4.7
 *   backward-filter conv-transposed   12.2            50.6                 14.3 (8.1 vs 8.3 in a rerun: a tie)
 * Head, transposed k = s = (1,2,2) 24→24 @64³ → 64×128²:
 *   forward: pixel-shuffle 5.3, patchify-matmul (8-D Transpose) 4.2, polyphase-conv 4.0, ConvTranspose 3.1
 *   backward-data: Conv 16.0, pixel-shuffle 8.5, patchify-matmul 5.3
 *   backward-filter: pixel-shuffle 10.8, patchify-matmul 6.4, im2col-gemm 5.2, conv-transposed 2.9
 * The head moves ≥ 100 MB per pass for 1.2 GFLOP: memory traffic bounds it, not arithmetic. The weight
 * gradient's im2col copies (Slice 29%, Concat 32%, Gemm 33% of its time at 24 channels) cost what the
 * forward Conv's fused im2col does not; at 192 channels the Gemm dominates and it nears the forward.
 */
export interface PassPlan {
  readonly model: Uint8Array;
  /** Graph input names for the pass's first and second operand (forward: x, W; backwardData: dy, W;
   *  backwardFilter: x, dy). */
  readonly inputNames: readonly [string, string];
  readonly outputShape: Shape;
  readonly formulation: Formulation;
}

export interface PlanOptions extends WeightGradOptions {
  /** Force a formulation (for measurements and tests); must suit the map of the pass. */
  formulation?: Formulation;
}

export function planPass(w: ConvWorkload, pass: ConvPass, options: PlanOptions = {}): PassPlan {
  const g = geometryOf(w);
  const gb = new GraphBuilder();
  const map = mapOf(w, pass);
  const outputShape =
    pass === 'forward' ? convOutputShape(w) : pass === 'backwardData' ? w.input : convWeightShape(w);
  let out: string;
  let formulation: Formulation;
  if (map === 'gather') {
    formulation = (options.formulation as GatherFormulation | undefined) ?? chooseGather(g);
    out = buildGather(gb, g, formulation as GatherFormulation);
  } else if (map === 'scatter') {
    formulation = (options.formulation as ScatterFormulation | undefined) ?? chooseScatter(g);
    out = buildScatter(gb, g, formulation as ScatterFormulation);
  } else {
    formulation = (options.formulation as WeightFormulation | undefined) ?? chooseWeight(g);
    out = buildWeightGrad(gb, g, formulation as WeightFormulation, options);
  }
  const inputNames: readonly [string, string] =
    pass === 'backwardFilter'
      ? w.spec.transposed
        ? ['small', 'big']
        : ['big', 'small']
      : map === 'gather'
        ? ['big', 'w']
        : ['small', 'w'];
  return { model: gb.build(out, outputShape), inputNames, outputShape, formulation };
}
