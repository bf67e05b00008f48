import type { DeviceOps, Tensor } from '@unet3d/core';
import { arg } from '../../runtime/kernel-args.js';
import { channelReduceLaunch, elementwiseLaunch, perChannelLaunch } from '../../runtime/launch-geometry.js';
import { asCuda } from '../cuda-tensor.js';
import { ADD_KERNELS } from '../kernels/add.js';
import { BIAS_KERNELS } from '../kernels/bias.js';
import { ELU_KERNELS } from '../kernels/elu.js';
import { type CudaOpsEnv, channelVector, ncs, sameShape } from './ops-env.js';

type ElementwiseOps = Pick<DeviceOps, 'elu' | 'eluBackward' | 'add' | 'addInto' | 'biasAddInto' | 'biasGrad'>;

export function createElementwiseOps(env: CudaOpsEnv): ElementwiseOps {
  const n64 = (t: Tensor) => arg.i64(t.size);
  return {
    elu(x, alpha) {
      const y = env.alloc(x.shape);
      env
        .program(ELU_KERNELS)
        .launch('elu_forward', elementwiseLaunch(x.size), [
          arg.ptr(asCuda(x).ptr),
          arg.ptr(y.ptr),
          arg.f32(alpha),
          n64(x),
        ]);
      return y;
    },
    eluBackward(dy, y, alpha) {
      sameShape(dy, y, 'eluBackward');
      const dx = env.alloc(dy.shape);
      env
        .program(ELU_KERNELS)
        .launch('elu_backward', elementwiseLaunch(dy.size), [
          arg.ptr(asCuda(dy).ptr),
          arg.ptr(asCuda(y).ptr),
          arg.ptr(dx.ptr),
          arg.f32(alpha),
          n64(dy),
        ]);
      return dx;
    },
    add(a, b) {
      sameShape(a, b, 'add');
      const out = env.alloc(a.shape);
      env
        .program(ADD_KERNELS)
        .launch('add', elementwiseLaunch(a.size), [
          arg.ptr(asCuda(a).ptr),
          arg.ptr(asCuda(b).ptr),
          arg.ptr(out.ptr),
          n64(a),
        ]);
      return out;
    },
    addInto(target, source) {
      sameShape(target, source, 'addInto');
      env
        .program(ADD_KERNELS)
        .launch('add_into', elementwiseLaunch(target.size), [
          arg.ptr(asCuda(target).ptr),
          arg.ptr(asCuda(source).ptr),
          n64(target),
        ]);
    },
    biasAddInto(x, bias) {
      const { c, s } = ncs(x);
      const b = channelVector(bias, c, 'bias', 'biasAddInto');
      env
        .program(BIAS_KERNELS)
        .launch('bias_add_into', elementwiseLaunch(x.size), [
          arg.ptr(asCuda(x).ptr),
          arg.ptr(b.ptr),
          arg.i32(c),
          arg.i64(s),
          n64(x),
        ]);
    },
    biasGrad(dy) {
      const { n, c, s } = ncs(dy);
      const out = env.alloc([c]);
      const geo = channelReduceLaunch(n, c, s);
      const partial = env.allocScratch(c * geo.chunks * 8);
      const prog = env.program(BIAS_KERNELS);
      prog.launch('bias_grad_partial', geo, [
        arg.ptr(asCuda(dy).ptr),
        arg.ptr(partial),
        arg.i32(n),
        arg.i32(c),
        arg.i64(s),
      ]);
      prog.launch('bias_grad_finalize', perChannelLaunch(c), [
        arg.ptr(partial),
        arg.ptr(out.ptr),
        arg.i32(geo.chunks),
      ]);
      env.freeScratch(partial);
      return out;
    },
  };
}
