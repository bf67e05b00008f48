import type { Tensor } from '@unet3d/core';
import type { Activations } from './activations.js';
import type { ExecContext } from './forward.js';
import { NO_FUSION } from './fusion.js';
import { INPUT } from './plan.js';

export interface BackwardResult {
  /** Gradient per trainable parameter name. The caller frees them. */
  paramGrads: Map<string, Tensor>;
  /** Gradient w.r.t. the network input, when asked for. The caller frees it. */
  inputGrad?: Tensor;
}

/**
 * Run backward in reverse layer order from the gradient of the network output (ownership passes in).
 * Gradients of tensors read by several layers (residual and skip fan-out) are accumulated. Activations and
 * saved state are freed right after the last backward that needs them; on return nothing of the step
 * remains in `acts` except what the caller lent. Chains the forward ran fused (`ctx.fusion`, on a device with
 * FusedDeviceOps) run their backward fused too, at the chain's ELU: batch norm → ELU as
 * `batchNormEluBackward` (timed under the batch norm), bias → ELU as `eluBackwardBiasGrad` (under the conv).
 */
export async function runBackward(
  ctx: ExecContext,
  acts: Activations,
  dOutput: Tensor,
  wantInputGrad: boolean,
): Promise<BackwardResult> {
  const { device, backend, params, plan, timer } = ctx;
  const ops = device.ops;
  const fused = device.fused;
  const fusion = fused ? ctx.fusion : NO_FUSION;
  const grads = new Map<string, Tensor>([[plan.output, dOutput]]);
  const paramGrads = new Map<string, Tensor>();
  const wanted = (name: string): boolean => name !== INPUT || wantInputGrad;
  const accumulate = (name: string, g: Tensor): void => {
    if (!wanted(name)) {
      device.free(g);
      return;
    }
    const prev = grads.get(name);
    if (prev) {
      ops.addInto(prev, g);
      device.free(g);
    } else {
      grads.set(name, g);
    }
  };
  try {
    for (let i = plan.layers.length - 1; i >= 0; i--) {
      const layer = plan.layers[i]!;
      const dy = grads.get(layer.output);
      grads.delete(layer.output);
      if (dy) {
        let dyOwned = true;
        const chain = fusion.memberOf.get(i);
        if (fused && chain?.kind === 'batchNormElu' && i === chain.elu.index) {
          const { bn, elu } = chain;
          const p = params.batchNormParams(bn.layer.name);
          const saved = acts.saved[bn.index]?.bn;
          if (!saved) throw new Error(`executor: batch norm '${bn.layer.name}' has no saved statistics`);
          const y = acts.get(elu.layer.output);
          const z = acts.get(bn.layer.input);
          const r = await timer.run(
            bn.layer.name,
            'batchNorm',
            'backward',
            false,
            () => fused.batchNormEluBackward(dy, y, z, p.gamma.tensor, saved, elu.layer.alpha),
            chain.backwardCovers,
          );
          paramGrads.set(p.gamma.name, r.dgamma);
          paramGrads.set(p.beta.name, r.dbeta);
          device.free(dy);
          acts.release(elu.layer.output); // not needed any more (planFusion: the ELU is its only reader)
          accumulate(bn.layer.input, r.dz);
          acts.releaseSaved(i);
          for (const name of plan.releaseAfterBackward[i] ?? []) acts.release(name);
          continue;
        }
        if (fused && chain?.kind === 'biasElu' && i === chain.elu.index) {
          const { conv, elu } = chain;
          const bias = params.convParams(conv.layer.name).bias;
          if (!bias) throw new Error(`executor: conv '${conv.layer.name}' of a bias-ELU chain has no bias`);
          const y = acts.get(elu.layer.output);
          const r = await timer.run(
            conv.layer.name,
            'conv',
            'backward',
            false,
            () => fused.eluBackwardBiasGrad(dy, y, elu.layer.alpha),
            chain.backwardCovers,
          );
          paramGrads.set(bias.name, r.dbias);
          device.free(dy);
          accumulate(conv.layer.output, r.dx);
          acts.releaseSaved(i);
          for (const name of plan.releaseAfterBackward[i] ?? []) acts.release(name);
          continue;
        }
        const biasDone = fused !== undefined && chain?.kind === 'biasElu';
        switch (layer.kind) {
          case 'conv': {
            const p = params.convParams(layer.name);
            const bias = p.bias;
            if (bias && !biasDone) {
              const db = await timer.run(layer.name, 'conv', 'backward', false, () => ops.biasGrad(dy));
              paramGrads.set(bias.name, db);
            }
            const x = acts.get(layer.input);
            const dw = await timer.run(layer.name, 'conv', 'backwardFilter', true, () =>
              backend.backwardFilter(layer.workload, x, dy),
            );
            paramGrads.set(p.weight.name, dw);
            if (wanted(layer.input)) {
              const dx = await timer.run(layer.name, 'conv', 'backwardData', true, () =>
                backend.backwardData(layer.workload, dy, p.weight.tensor),
              );
              accumulate(layer.input, dx);
            }
            break;
          }
          case 'batchNorm': {
            const p = params.batchNormParams(layer.name);
            const saved = acts.saved[i]?.bn;
            if (!saved) throw new Error(`executor: batch norm '${layer.name}' has no saved statistics`);
            const x = acts.get(layer.input);
            const r = await timer.run(layer.name, 'batchNorm', 'backward', false, () =>
              ops.batchNormBackward(dy, x, p.gamma.tensor, saved),
            );
            paramGrads.set(p.gamma.name, r.dgamma);
            paramGrads.set(p.beta.name, r.dbeta);
            accumulate(layer.input, r.dx);
            break;
          }
          case 'elu': {
            const y = acts.get(layer.output);
            const dx = await timer.run(layer.name, 'elu', 'backward', false, () =>
              ops.eluBackward(dy, y, layer.alpha),
            );
            accumulate(layer.input, dx);
            break;
          }
          case 'add': {
            // d(a+b)/da = d(a+b)/db = dy: add into existing gradients; hand dy itself to the first input
            // without one, and a copy to any further one.
            const targets = layer.inputs.filter(wanted);
            await timer.run(layer.name, 'add', 'backward', false, () => {
              for (const name of targets) {
                const prev = grads.get(name);
                if (prev) ops.addInto(prev, dy);
                else if (dyOwned) {
                  grads.set(name, dy);
                  dyOwned = false;
                } else {
                  const copy = device.zeros(dy.shape);
                  ops.addInto(copy, dy);
                  grads.set(name, copy);
                }
              }
            });
            break;
          }
          case 'maxPool': {
            const argmax = acts.saved[i]?.argmax;
            if (!argmax) throw new Error(`executor: max pool '${layer.name}' has no saved argmax`);
            if (wanted(layer.input)) {
              const dx = await timer.run(layer.name, 'maxPool', 'backward', false, () =>
                ops.maxPool2xBackward(dy, argmax, layer.inputShape),
              );
              accumulate(layer.input, dx);
            }
            break;
          }
          case 'upsample': {
            if (wanted(layer.input)) {
              const dx = await timer.run(layer.name, 'upsample', 'backward', false, () =>
                ops.upsampleTrilinear2xBackward(dy, layer.inputShape),
              );
              accumulate(layer.input, dx);
            }
            break;
          }
        }
        if (dyOwned) device.free(dy);
      }
      acts.releaseSaved(i);
      for (const name of plan.releaseAfterBackward[i] ?? []) acts.release(name);
    }
  } catch (err) {
    for (const g of paramGrads.values()) device.free(g);
    for (const g of grads.values()) device.free(g);
    throw err;
  }
  const inputGrad = grads.get(INPUT);
  grads.delete(INPUT);
  for (const g of grads.values()) device.free(g); // gradients of tensors nothing upstream needs
  return inputGrad ? { paramGrads, inputGrad } : { paramGrads };
}
