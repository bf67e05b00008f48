import { type FusedDeviceOps, ShapeError } from '@unet3d/core';
import type { CpuAllocator } from '../cpu-allocator.js';
import { asCpu } from '../cpu-tensor.js';
import { ncs, sameShape, vectorOf } from '../ops/check.js';
import type { CpuKernels } from './cpu-kernels.js';
import { adamConstants, f32 } from './native-ops.js';

/** FusedDeviceOps on the native kernels: each chain in one or two passes over memory. */
export function createNativeFusedOps(device: CpuAllocator, k: CpuKernels): FusedDeviceOps {
  return {
    biasBatchNormEluTrain(xT, params, options) {
      const op = 'biasBatchNormEluTrain';
      const x = asCpu(xT);
      const [N, C, S] = ncs(x.shape, op);
      const g = vectorOf(params.gamma, C, op, 'gamma');
      const b = vectorOf(params.beta, C, op, 'beta');
      const rm = vectorOf(params.runningMean, C, op, 'runningMean');
      const rv = vectorOf(params.runningVar, C, op, 'runningVar');
      const bias = params.bias ? vectorOf(params.bias, C, op, 'bias') : undefined;
      const res = params.residual ? sameShape(params.residual, x.shape, op, 'residual') : undefined;
      if (N * S < 2)
        throw new ShapeError(`${op}: need more than 1 value per channel in training mode, got ${N * S}`);
      const z = res ? device.alloc(x.shape) : x;
      const y = device.alloc(x.shape);
      const mean = device.alloc([C]);
      const invStd = device.alloc([C]);
      k.biasBnEluTrain(
        f32(x),
        bias ? f32(bias) : null,
        res ? f32(res) : null,
        res ? f32(z) : null,
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
        options.alpha,
      );
      return { y, z, saved: { mean, invStd } };
    },
    batchNormEluBackward(dyT, yT, zT, gammaT, saved, alpha) {
      const op = 'batchNormEluBackward';
      const z = asCpu(zT);
      const [N, C, S] = ncs(z.shape, op);
      const dy = sameShape(dyT, z.shape, op, 'dy');
      const y = sameShape(yT, z.shape, op, 'y');
      const g = vectorOf(gammaT, C, op, 'gamma');
      const mean = vectorOf(saved.mean, C, op, 'saved.mean');
      const invStd = vectorOf(saved.invStd, C, op, 'saved.invStd');
      const dz = device.alloc(z.shape);
      const dgamma = device.alloc([C]);
      const dbeta = device.alloc([C]);
      k.bnEluBackward(
        f32(dy),
        f32(y),
        f32(z),
        f32(dz),
        N,
        C,
        S,
        f32(g),
        f32(mean),
        f32(invStd),
        f32(dgamma),
        f32(dbeta),
        alpha,
      );
      return { dz, dgamma, dbeta };
    },
    biasElu(xT, biasT, alpha) {
      const x = asCpu(xT);
      const [N, C, S] = ncs(x.shape, 'biasElu');
      const b = vectorOf(biasT, C, 'biasElu', 'bias');
      const y = device.alloc(x.shape);
      k.biasElu(f32(x), f32(b), f32(y), N, C, S, alpha);
      return y;
    },
    eluBackwardBiasGrad(dyT, yT, alpha) {
      const y = asCpu(yT);
      const [N, C, S] = ncs(y.shape, 'eluBackwardBiasGrad');
      const dy = sameShape(dyT, y.shape, 'eluBackwardBiasGrad', 'dy');
      const dx = device.alloc(y.shape);
      const dbias = device.alloc([C]);
      k.eluBackwardBiasGrad(f32(dy), f32(y), f32(dx), f32(dbias), N, C, S, alpha);
      return { dx, dbias };
    },
    adamStepAll(params, grads, m, v, options) {
      const op = 'adamStepAll';
      const count = params.length;
      if (grads.length !== count || m.length !== count || v.length !== count) {
        throw new ShapeError(
          `${op}: ${count} params but ${grads.length} grads, ${m.length} first and ${v.length} second moments`,
        );
      }
      if (count === 0) return;
      const { stepSize, sqrtBc2 } = adamConstants(op, options);
      const ps = params.map((t) => f32(asCpu(t)));
      const gs = grads.map((t, i) => f32(sameShape(t, asCpu(params[i]!).shape, op, `grads[${i}]`)));
      const ms = m.map((t, i) => f32(sameShape(t, asCpu(params[i]!).shape, op, `m[${i}]`)));
      const vs = v.map((t, i) => f32(sameShape(t, asCpu(params[i]!).shape, op, `v[${i}]`)));
      const sizes = BigInt64Array.from(ps, (p) => BigInt(p.length));
      k.adamAll(ps, gs, ms, vs, sizes, count, options.beta1, options.beta2, options.eps, stepSize, sqrtBc2);
    },
  };
}
