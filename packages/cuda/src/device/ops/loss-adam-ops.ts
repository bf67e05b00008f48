import type { DeviceOps } from '@unet3d/core';
import { arg } from '../../runtime/kernel-args.js';
import { elementwiseLaunch } from '../../runtime/launch-geometry.js';
import { asCuda } from '../cuda-tensor.js';
import { ADAM_KERNELS } from '../kernels/adam.js';
import { SIGMOID_BCE_KERNELS } from '../kernels/sigmoid-bce.js';
import { type CudaOpsEnv, sameShape } from './ops-env.js';

type LossAdamOps = Pick<DeviceOps, 'sigmoidBce' | 'adamStepInto'>;

/** Partial-sum blocks for the loss: few enough that the host adds them at once. */
export const BCE_MAX_BLOCKS = 1024;

/** Adam's host-side scalars, in double: step size lr/(1−β1^t) and √(1−β2^t). */
export function adamScalars(o: { lr: number; beta1: number; beta2: number; step: number }): {
  stepSize: number;
  bc2Sqrt: number;
} {
  if (!Number.isInteger(o.step) || o.step < 1)
    throw new RangeError(`Adam step must be an integer ≥ 1, got ${o.step}`);
  return { stepSize: o.lr / (1 - o.beta1 ** o.step), bc2Sqrt: Math.sqrt(1 - o.beta2 ** o.step) };
}

export function createLossAdamOps(env: CudaOpsEnv): LossAdamOps {
  return {
    sigmoidBce(logits, target, mask) {
      sameShape(logits, target, 'sigmoidBce');
      sameShape(logits, mask, 'sigmoidBce');
      const prog = env.program(SIGMOID_BCE_KERNELS);
      const geo = elementwiseLaunch(logits.size);
      const blocks = Math.min(geo.grid[0], BCE_MAX_BLOCKS);
      const partial = env.allocScratch(blocks * 16);
      const args = [arg.ptr(asCuda(logits).ptr), arg.ptr(asCuda(target).ptr), arg.ptr(asCuda(mask).ptr)];
      prog.launch('bce_partial', { ...geo, grid: [blocks, 1, 1] }, [
        ...args,
        arg.ptr(partial),
        arg.i64(logits.size),
      ]);
      const host = new Float64Array(blocks * 2);
      env.ctx.copyToHost(host, partial);
      env.freeScratch(partial);
      let loss = 0;
      let count = 0;
      for (let b = 0; b < blocks; b++) {
        loss += host[2 * b]!;
        count += host[2 * b + 1]!;
      }
      const dlogits = env.alloc(logits.shape);
      const scale = count > 0 ? 1 / count : 0;
      prog.launch('bce_grad', geo, [...args, arg.ptr(dlogits.ptr), arg.f32(scale), arg.i64(logits.size)]);
      return { loss: count > 0 ? loss / count : 0, dlogits };
    },
    adamStepInto(param, grad, m, v, options) {
      sameShape(param, grad, 'adamStepInto');
      sameShape(param, m, 'adamStepInto');
      sameShape(param, v, 'adamStepInto');
      const { stepSize, bc2Sqrt } = adamScalars(options);
      env
        .program(ADAM_KERNELS)
        .launch('adam_step', elementwiseLaunch(param.size), [
          arg.ptr(asCuda(param).ptr),
          arg.ptr(asCuda(grad).ptr),
          arg.ptr(asCuda(m).ptr),
          arg.ptr(asCuda(v).ptr),
          arg.f32(options.beta1),
          arg.f32(options.beta2),
          arg.f32(options.eps),
          arg.f32(stepSize),
          arg.f32(bc2Sqrt),
          arg.i64(param.size),
        ]);
    },
  };
}
