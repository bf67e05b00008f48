import { type ConvBackend, type Device, ShapeError, shapesEqual, type Tensor } from '@unet3d/core';
import { layerInputs } from '@unet3d/model';
import type { Activations } from './activations.js';
import { type FusionPlan, NO_FUSION } from './fusion.js';
import type { ParameterStore } from './parameters.js';
import type { ExecutionPlan } from './plan.js';
import type { Timer } from './timing.js';

export interface ExecContext {
  readonly device: Device;
  readonly backend: ConvBackend;
  readonly params: ParameterStore;
  readonly plan: ExecutionPlan;
  readonly timer: Timer;
  /** Chains to run as FusedDeviceOps calls in training mode (NO_FUSION when the device has none). */
  readonly fusion: FusionPlan;
}

export interface ForwardOptions {
  /** 'train': batch statistics, keeps what backward needs; 'eval': running statistics, keeps nothing. */
  mode: 'train' | 'eval';
  bnMomentum: number;
  bnEps: number;
}

/**
 * Run every layer in order. The input must already be set in `acts` under `input`. Returns the network
 * output (still held in `acts`). Tensors are released after their last forward use unless backward needs them.
 * In training mode, on a device with FusedDeviceOps, the chains of `ctx.fusion` run as one fused call each
 * (their intermediates are never materialised); eval mode always runs the plain ops.
 */
export async function runForward(
  ctx: ExecContext,
  acts: Activations,
  options: ForwardOptions,
): Promise<Tensor> {
  const { device, backend, params, plan, timer } = ctx;
  const ops = device.ops;
  const train = options.mode === 'train';
  const layers = plan.layers;
  const fused = train ? device.fused : undefined;
  const fusion = fused ? ctx.fusion : NO_FUSION;
  /** Release what layer j was the last forward reader of, unless backward needs it. */
  const releaseAfter = (j: number): void => {
    const layer = layers[j]!;
    for (const name of new Set([...layerInputs(layer), layer.output])) {
      const last = plan.lastForwardUse.get(name);
      const ended = last === undefined || last === j;
      if (ended && !(train && plan.lastBackwardUse.has(name))) acts.release(name);
    }
  };
  for (let i = 0; i < layers.length; i++) {
    const layer = layers[i]!;
    const chain = fusion.startsAt.get(i);
    if (fused && chain?.kind === 'batchNormElu') {
      const { add, bn, elu } = chain;
      const p = params.batchNormParams(bn.layer.name);
      const x = acts.get(add ? add.layer.inputs[0] : bn.layer.input);
      const residual = add ? acts.get(add.layer.inputs[1]) : undefined;
      const r = await timer.run(
        bn.layer.name,
        'batchNorm',
        'forward',
        false,
        () =>
          fused.biasBatchNormEluTrain(
            x,
            {
              gamma: p.gamma.tensor,
              beta: p.beta.tensor,
              runningMean: p.runningMean.tensor,
              runningVar: p.runningVar.tensor,
              ...(residual ? { residual } : {}),
            },
            { momentum: options.bnMomentum, eps: options.bnEps, alpha: elu.layer.alpha },
          ),
        chain.covers,
      );
      acts.saved[bn.index] = { bn: r.saved };
      if (add) acts.set(add.layer.output, r.z);
      else if (r.z !== x) {
        acts.release(bn.layer.input);
        acts.set(bn.layer.input, r.z);
      }
      acts.set(elu.layer.output, r.y);
      for (let j = chain.first; j <= elu.index; j++) releaseAfter(j);
      i = elu.index;
      continue;
    }
    let y: Tensor;
    switch (layer.kind) {
      case 'conv': {
        const p = params.convParams(layer.name);
        const x = acts.get(layer.input);
        y = await timer.run(layer.name, 'conv', 'forward', true, () =>
          backend.forward(layer.workload, x, p.weight.tensor),
        );
        if (!shapesEqual(y.shape, layer.outputShape)) {
          throw new ShapeError(
            `backend '${backend.name}' returned [${y.shape.join(',')}] for conv '${layer.name}', expected [${layer.outputShape.join(',')}]`,
          );
        }
        const bias = p.bias;
        if (fused && bias && chain?.kind === 'biasElu') {
          const raw = y;
          const act = await timer.run(
            layer.name,
            'conv',
            'forward',
            false,
            () => fused.biasElu(raw, bias.tensor, chain.elu.layer.alpha),
            chain.covers,
          );
          device.free(raw); // the conv output is read by nothing else (planFusion checked)
          acts.set(chain.elu.layer.output, act);
          for (let j = i; j <= chain.elu.index; j++) releaseAfter(j);
          i = chain.elu.index;
          continue;
        }
        if (bias)
          await timer.run(layer.name, 'conv', 'forward', false, () => ops.biasAddInto(y, bias.tensor));
        break;
      }
      case 'batchNorm': {
        const p = params.batchNormParams(layer.name);
        const x = acts.get(layer.input);
        if (train) {
          const r = await timer.run(layer.name, 'batchNorm', 'forward', false, () =>
            ops.batchNormTrain(x, p.gamma.tensor, p.beta.tensor, p.runningMean.tensor, p.runningVar.tensor, {
              momentum: options.bnMomentum,
              eps: options.bnEps,
            }),
          );
          acts.saved[i] = { bn: r.saved };
          y = r.y;
        } else {
          y = await timer.run(layer.name, 'batchNorm', 'forward', false, () =>
            ops.batchNormInfer(
              x,
              p.gamma.tensor,
              p.beta.tensor,
              p.runningMean.tensor,
              p.runningVar.tensor,
              options.bnEps,
            ),
          );
        }
        break;
      }
      case 'elu': {
        const x = acts.get(layer.input);
        y = await timer.run(layer.name, 'elu', 'forward', false, () => ops.elu(x, layer.alpha));
        break;
      }
      case 'add': {
        const a = acts.get(layer.inputs[0]);
        const b = acts.get(layer.inputs[1]);
        y = await timer.run(layer.name, 'add', 'forward', false, () => ops.add(a, b));
        break;
      }
      case 'maxPool': {
        const x = acts.get(layer.input);
        const r = await timer.run(layer.name, 'maxPool', 'forward', false, () => ops.maxPool2x(x));
        if (train) acts.saved[i] = { argmax: r.argmax };
        else device.free(r.argmax);
        y = r.y;
        break;
      }
      case 'upsample': {
        const x = acts.get(layer.input);
        y = await timer.run(layer.name, 'upsample', 'forward', false, () => ops.upsampleTrilinear2x(x));
        break;
      }
    }
    acts.set(layer.output, y);
    releaseAfter(i);
  }
  return acts.get(plan.output);
}
