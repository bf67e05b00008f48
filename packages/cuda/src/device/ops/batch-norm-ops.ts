import type { DeviceOps } from '@unet3d/core';
import { arg } from '../../runtime/kernel-args.js';
import { channelReduceLaunch, elementwiseLaunch, perChannelLaunch } from '../../runtime/launch-geometry.js';
import { asCuda } from '../cuda-tensor.js';
import { BATCH_NORM_KERNELS } from '../kernels/batch-norm.js';
import { type CudaOpsEnv, channelVector, ncs, sameShape } from './ops-env.js';

type BatchNormOps = Pick<DeviceOps, 'batchNormTrain' | 'batchNormInfer' | 'batchNormBackward'>;

export function createBatchNormOps(env: CudaOpsEnv): BatchNormOps {
  const prog = () => env.program(BATCH_NORM_KERNELS);
  return {
    batchNormTrain(x, gamma, beta, runningMean, runningVar, options) {
      const { n, c, s } = ncs(x);
      const op = 'batchNormTrain';
      const g = channelVector(gamma, c, 'gamma', op);
      const b = channelVector(beta, c, 'beta', op);
      const rm = channelVector(runningMean, c, 'runningMean', op);
      const rv = channelVector(runningVar, c, 'runningVar', op);
      const mean = env.alloc([c]);
      const invStd = env.alloc([c]);
      const y = env.alloc(x.shape);
      const geo = channelReduceLaunch(n, c, s);
      const partial = env.allocScratch(c * geo.chunks * 16);
      const p = prog();
      p.launch('bn_stats_partial', geo, [
        arg.ptr(asCuda(x).ptr),
        arg.ptr(partial),
        arg.i32(n),
        arg.i32(c),
        arg.i64(s),
      ]);
      p.launch('bn_stats_finalize', perChannelLaunch(c), [
        arg.ptr(partial),
        arg.i32(geo.chunks),
        arg.f64(n * s),
        arg.f32(options.eps),
        arg.f32(options.momentum),
        arg.ptr(mean.ptr),
        arg.ptr(invStd.ptr),
        arg.ptr(rm.ptr),
        arg.ptr(rv.ptr),
      ]);
      env.freeScratch(partial);
      p.launch('bn_apply', elementwiseLaunch(x.size), [
        arg.ptr(asCuda(x).ptr),
        arg.ptr(y.ptr),
        arg.ptr(mean.ptr),
        arg.ptr(invStd.ptr),
        arg.ptr(g.ptr),
        arg.ptr(b.ptr),
        arg.i32(c),
        arg.i64(s),
        arg.i64(x.size),
      ]);
      return { y, saved: { mean, invStd } };
    },

    batchNormInfer(x, gamma, beta, runningMean, runningVar, eps) {
      const { c, s } = ncs(x);
      const op = 'batchNormInfer';
      const y = env.alloc(x.shape);
      prog().launch('bn_infer', elementwiseLaunch(x.size), [
        arg.ptr(asCuda(x).ptr),
        arg.ptr(y.ptr),
        arg.ptr(channelVector(runningMean, c, 'runningMean', op).ptr),
        arg.ptr(channelVector(runningVar, c, 'runningVar', op).ptr),
        arg.ptr(channelVector(gamma, c, 'gamma', op).ptr),
        arg.ptr(channelVector(beta, c, 'beta', op).ptr),
        arg.f32(eps),
        arg.i32(c),
        arg.i64(s),
        arg.i64(x.size),
      ]);
      return y;
    },

    batchNormBackward(dy, x, gamma, saved) {
      sameShape(dy, x, 'batchNormBackward');
      const { n, c, s } = ncs(x);
      const op = 'batchNormBackward';
      const mean = channelVector(saved.mean, c, 'saved.mean', op);
      const invStd = channelVector(saved.invStd, c, 'saved.invStd', op);
      const g = channelVector(gamma, c, 'gamma', op);
      const dgamma = env.alloc([c]);
      const dbeta = env.alloc([c]);
      const dx = env.alloc(x.shape);
      const geo = channelReduceLaunch(n, c, s);
      const partial = env.allocScratch(c * geo.chunks * 16);
      const p = prog();
      p.launch('bn_backward_partial', geo, [
        arg.ptr(asCuda(dy).ptr),
        arg.ptr(asCuda(x).ptr),
        arg.ptr(mean.ptr),
        arg.ptr(partial),
        arg.i32(n),
        arg.i32(c),
        arg.i64(s),
      ]);
      p.launch('bn_backward_finalize', perChannelLaunch(c), [
        arg.ptr(partial),
        arg.i32(geo.chunks),
        arg.ptr(invStd.ptr),
        arg.ptr(dgamma.ptr),
        arg.ptr(dbeta.ptr),
      ]);
      env.freeScratch(partial);
      p.launch('bn_backward_dx', elementwiseLaunch(x.size), [
        arg.ptr(asCuda(dy).ptr),
        arg.ptr(asCuda(x).ptr),
        arg.ptr(mean.ptr),
        arg.ptr(invStd.ptr),
        arg.ptr(g.ptr),
        arg.ptr(dgamma.ptr),
        arg.ptr(dbeta.ptr),
        arg.f32(1 / (n * s)),
        arg.ptr(dx.ptr),
        arg.i32(c),
        arg.i64(s),
        arg.i64(x.size),
      ]);
      return { dx, dgamma, dbeta };
    },
  };
}
