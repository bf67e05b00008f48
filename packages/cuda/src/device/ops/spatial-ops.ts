import { type DeviceOps, type Shape, ShapeError } from '@unet3d/core';
import { arg } from '../../runtime/kernel-args.js';
import { elementwiseLaunch } from '../../runtime/launch-geometry.js';
import { asCuda } from '../cuda-tensor.js';
import { MAX_POOL_KERNELS } from '../kernels/max-pool.js';
import { UPSAMPLE_KERNELS } from '../kernels/upsample.js';
import { type CudaOpsEnv, fiveD } from './ops-env.js';

type SpatialOps = Pick<
  DeviceOps,
  'maxPool2x' | 'maxPool2xBackward' | 'upsampleTrilinear2x' | 'upsampleTrilinear2xBackward'
>;

function pooledShape(shape: Shape, op: string): [number, number, number, number, number] {
  if (shape.length !== 5) throw new ShapeError(`${op}: expected a 5-D input shape, got [${shape.join(',')}]`);
  const [n, c, d, h, w] = shape as [number, number, number, number, number];
  if (d < 2 || h < 2 || w < 2)
    throw new ShapeError(`${op}: every spatial size must be ≥ 2, got [${shape.join(',')}]`);
  return [n, c, Math.floor(d / 2), Math.floor(h / 2), Math.floor(w / 2)];
}

export function createSpatialOps(env: CudaOpsEnv): SpatialOps {
  return {
    maxPool2x(x) {
      const [, , d, h, w] = fiveD(x, 'maxPool2x');
      const outShape = pooledShape(x.shape, 'maxPool2x');
      const [, , od, oh, ow] = outShape;
      const y = env.alloc(outShape);
      const argmax = env.alloc(outShape);
      env
        .program(MAX_POOL_KERNELS)
        .launch('max_pool2x_forward', elementwiseLaunch(y.size), [
          arg.ptr(asCuda(x).ptr),
          arg.ptr(y.ptr),
          arg.ptr(argmax.ptr),
          arg.i32(d),
          arg.i32(h),
          arg.i32(w),
          arg.i32(od),
          arg.i32(oh),
          arg.i32(ow),
          arg.i64(y.size),
        ]);
      return { y, argmax };
    },
    maxPool2xBackward(dy, argmax, inputShape) {
      const outShape = pooledShape(inputShape, 'maxPool2xBackward');
      const [, , d, h, w] = inputShape as [number, number, number, number, number];
      const [, , od, oh, ow] = outShape;
      if (dy.size !== outShape.reduce((a, b) => a * b, 1) || argmax.size !== dy.size) {
        throw new ShapeError(`maxPool2xBackward: dy/argmax must have shape [${outShape.join(',')}]`);
      }
      const dx = env.alloc(inputShape);
      env
        .program(MAX_POOL_KERNELS)
        .launch('max_pool2x_backward', elementwiseLaunch(dx.size), [
          arg.ptr(asCuda(dy).ptr),
          arg.ptr(asCuda(argmax).ptr),
          arg.ptr(dx.ptr),
          arg.i32(d),
          arg.i32(h),
          arg.i32(w),
          arg.i32(od),
          arg.i32(oh),
          arg.i32(ow),
          arg.i64(dx.size),
        ]);
      return dx;
    },
    upsampleTrilinear2x(x) {
      const [n, c, d, h, w] = fiveD(x, 'upsampleTrilinear2x');
      const y = env.alloc([n, c, 2 * d, 2 * h, 2 * w]);
      env
        .program(UPSAMPLE_KERNELS)
        .launch('upsample_trilinear2x_forward', elementwiseLaunch(y.size), [
          arg.ptr(asCuda(x).ptr),
          arg.ptr(y.ptr),
          arg.i32(d),
          arg.i32(h),
          arg.i32(w),
          arg.i64(y.size),
        ]);
      return y;
    },
    upsampleTrilinear2xBackward(dy, inputShape) {
      if (inputShape.length !== 5)
        throw new ShapeError('upsampleTrilinear2xBackward: expected a 5-D input shape');
      const [n, c, d, h, w] = inputShape as [number, number, number, number, number];
      if (dy.size !== n * c * 8 * d * h * w) {
        throw new ShapeError(
          `upsampleTrilinear2xBackward: dy must have shape [${[n, c, 2 * d, 2 * h, 2 * w].join(',')}]`,
        );
      }
      const dx = env.alloc(inputShape);
      env
        .program(UPSAMPLE_KERNELS)
        .launch('upsample_trilinear2x_backward', elementwiseLaunch(dx.size), [
          arg.ptr(asCuda(dy).ptr),
          arg.ptr(dx.ptr),
          arg.i32(d),
          arg.i32(h),
          arg.i32(w),
          arg.i64(dx.size),
        ]);
      return dx;
    },
  };
}
