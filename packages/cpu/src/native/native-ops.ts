import { type AdamOptions, type DeviceOps, ShapeError, type Tensor } from '@unet3d/core';
import type { CpuAllocator } from '../cpu-allocator.js';
import { asCpu, type CpuTensor } from '../cpu-tensor.js';
import { dims5, ncs, sameShape, vectorOf } from '../ops/check.js';
import { pooledShape } from '../ops/max-pool.js';
import { upsampledShape } from '../ops/upsample-trilinear.js';
import type { CpuKernels } from './cpu-kernels.js';

/** The Float32Array of a CPU tensor (native kernels run on float32 storage only). */
export function f32(t: CpuTensor): Float32Array {
  const d = t.data;
  if (!(d instanceof Float32Array)) throw new TypeError('native CPU ops need float32 tensors');
  return d;
}

export function adamConstants(op: string, options: AdamOptions): { stepSize: number; sqrtBc2: number } {
  const { lr, beta1, beta2, step } = options;
  if (!Number.isInteger(step) || step < 1)
    throw new RangeError(`${op}: step must be an integer ≥ 1, got ${step}`);
  return { stepSize: lr / (1 - beta1 ** step), sqrtBc2: Math.sqrt(1 - beta2 ** step) };
}

/**
 * DeviceOps on native kernels (C, vectorised, OpenMP): the same checks, shapes and results (to float32
 * rounding) as the JavaScript ops in ../ops, run in place on the tensors' Float32Array memory.
 */
export function createNativeOps(device: CpuAllocator, k: CpuKernels): DeviceOps {
  return {
    batchNormTrain(xT, gammaT, betaT, rmT, rvT, options) {
      const op = 'batchNormTrain';
      const x = asCpu(xT);
      const [N, C, S] = ncs(x.shape, op);
      const g = vectorOf(gammaT, C, op, 'gamma');
      const b = vectorOf(betaT, C, op, 'beta');
      const rm = vectorOf(rmT, C, op, 'runningMean');
      const rv = vectorOf(rvT, C, op, 'runningVar');
      if (N * S < 2)
        throw new ShapeError(`${op}: need more than 1 value per channel in training mode, got ${N * S}`);
      const y = device.alloc(x.shape);
      const mean = device.alloc([C]);
      const invStd = device.alloc([C]);
      k.bnTrain(
        f32(x),
        f32(y),
        N,
        C,
        S,
        f32(g),
        f32(b),
        f32(rm),
        f32(rv),
        f32(mean),
        f32(invStd),
        options.momentum,
        options.eps,
      );
      return { y, saved: { mean, invStd } };
    },
    batchNormInfer(xT, gammaT, betaT, rmT, rvT, eps) {
      const op = 'batchNormInfer';
      const x = asCpu(xT);
      const [N, C, S] = ncs(x.shape, op);
      const g = vectorOf(gammaT, C, op, 'gamma');
      const b = vectorOf(betaT, C, op, 'beta');
      const rm = vectorOf(rmT, C, op, 'runningMean');
      const rv = vectorOf(rvT, C, op, 'runningVar');
      const y = device.alloc(x.shape);
      k.bnInfer(f32(x), f32(y), N, C, S, f32(g), f32(b), f32(rm), f32(rv), eps);
      return y;
    },
    batchNormBackward(dyT, xT, gammaT, saved) {
      const op = 'batchNormBackward';
      const x = asCpu(xT);
      const [N, C, S] = ncs(x.shape, op);
      const dy = sameShape(dyT, x.shape, op, 'dy');
      const g = vectorOf(gammaT, C, op, 'gamma');
      const mean = vectorOf(saved.mean, C, op, 'saved.mean');
      const invStd = vectorOf(saved.invStd, C, op, 'saved.invStd');
      const dx = device.alloc(x.shape);
      const dgamma = device.alloc([C]);
      const dbeta = device.alloc([C]);
      k.bnBackward(
        f32(dy),
        f32(x),
        f32(dx),
        N,
        C,
        S,
        f32(g),
        f32(mean),
        f32(invStd),
        f32(dgamma),
        f32(dbeta),
      );
      return { dx, dgamma, dbeta };
    },
    elu(xT, alpha) {
      const x = asCpu(xT);
      const y = device.alloc(x.shape);
      k.elu(f32(x), f32(y), x.size, alpha);
      return y;
    },
    eluBackward(dyT, yT, alpha) {
      const y = asCpu(yT);
      const dy = sameShape(dyT, y.shape, 'eluBackward', 'dy');
      const dx = device.alloc(y.shape);
      k.eluBackward(f32(dy), f32(y), f32(dx), y.size, alpha);
      return dx;
    },
    add(aT, bT) {
      const a = asCpu(aT);
      const b = sameShape(bT, a.shape, 'add', 'b');
      const out = device.alloc(a.shape);
      k.add(f32(a), f32(b), f32(out), a.size);
      return out;
    },
    addInto(targetT, sourceT) {
      const t = asCpu(targetT);
      const s = sameShape(sourceT, t.shape, 'addInto', 'source');
      k.addInto(f32(t), f32(s), t.size);
    },
    biasAddInto(xT, biasT) {
      const x = asCpu(xT);
      const [N, C, S] = ncs(x.shape, 'biasAddInto');
      const b = vectorOf(biasT, C, 'biasAddInto', 'bias');
      k.biasAddInto(f32(x), f32(b), N, C, S);
    },
    biasGrad(dyT) {
      const dy = asCpu(dyT);
      const [N, C, S] = ncs(dy.shape, 'biasGrad');
      const out = device.alloc([C]);
      k.biasGrad(f32(dy), f32(out), N, C, S);
      return out;
    },
    maxPool2x(xT) {
      const x = asCpu(xT);
      const [N, C, D, H, W] = dims5(x.shape, 'maxPool2x');
      const outShape = pooledShape(x.shape, 'maxPool2x');
      const y = device.alloc(outShape);
      const argmax = device.alloc(outShape);
      k.maxPool2x(f32(x), f32(y), f32(argmax), N * C, D, H, W);
      return { y, argmax };
    },
    maxPool2xBackward(dyT, argmaxT, inputShape) {
      const op = 'maxPool2xBackward';
      const [N, C, D, H, W] = dims5(inputShape, op);
      const outShape = pooledShape(inputShape, op);
      const dy = sameShape(dyT, outShape, op, 'dy');
      const am = sameShape(argmaxT, outShape, op, 'argmax');
      const dx = device.alloc(inputShape); // every element is written
      k.maxPool2xBackward(f32(dy), f32(am), f32(dx), N * C, D, H, W);
      return dx;
    },
    upsampleTrilinear2x(xT) {
      const x = asCpu(xT);
      const [N, C, D, H, W] = dims5(x.shape, 'upsampleTrilinear2x');
      const y = device.alloc(upsampledShape(x.shape, 'upsampleTrilinear2x'));
      k.upsample2x(f32(x), f32(y), N * C, D, H, W);
      return y;
    },
    upsampleTrilinear2xBackward(dyT, inputShape) {
      const op = 'upsampleTrilinear2xBackward';
      const [N, C, D, H, W] = dims5(inputShape, op);
      const dy = sameShape(dyT, upsampledShape(inputShape, op), op, 'dy');
      const dx = device.alloc(inputShape); // every element is written
      k.upsample2xBackward(f32(dy), f32(dx), N * C, D, H, W);
      return dx;
    },
    sigmoidBce(logitsT, targetT, maskT) {
      const logits = asCpu(logitsT);
      const t = sameShape(targetT, logits.shape, 'sigmoidBce', 'target');
      const m = sameShape(maskT, logits.shape, 'sigmoidBce', 'mask');
      const dlogits = device.alloc(logits.shape);
      const msum = new Float64Array(1);
      const sum = k.sigmoidBce(f32(logits), f32(t), f32(m), f32(dlogits), logits.size, msum) as number;
      return { loss: msum[0] === 0 ? 0 : sum * (1 / msum[0]!), dlogits };
    },
    adamStepInto(paramT: Tensor, gradT: Tensor, mT: Tensor, vT: Tensor, options: AdamOptions) {
      const op = 'adamStepInto';
      const p = asCpu(paramT);
      const g = sameShape(gradT, p.shape, op, 'grad');
      const m = sameShape(mT, p.shape, op, 'm');
      const v = sameShape(vT, p.shape, op, 'v');
      const { stepSize, sqrtBc2 } = adamConstants(op, options);
      k.adam(
        f32(p),
        f32(g),
        f32(m),
        f32(v),
        p.size,
        options.beta1,
        options.beta2,
        options.eps,
        stepSize,
        sqrtBc2,
      );
    },
  };
}
