import {
  type BackendCreateOptions,
  type ConvBackend,
  type ConvPass,
  type ConvWorkload,
  convWorkloadKey,
  DeviceError,
  type MathMode,
  ShapeError,
  type Tensor,
} from '@unet3d/core';
import {
  type AlgoPerf,
  asCuda,
  CUDNN_MATH_NAMES,
  CudaDevice,
  type CudaTensor,
  Cudnn,
  type LibraryLocations,
} from '@unet3d/cuda';
import { algoName } from './algo-names.js';
import { type CallDescriptors, chooseAlgo, findAlgorithms } from './algorithm-search.js';
import { type CudnnConvCall, cudnnConvCall, planKey } from './conv-call.js';
import { type CudnnMathSetting, cudnnMathSetting } from './math-mode.js';

export interface CudnnBackendOptions extends LibraryLocations {
  /** Most workspace memory an algorithm may use, default 4 GiB (bounded by half the free memory). */
  maxWorkspaceBytes?: number;
}

interface Plan {
  readonly call: CudnnConvCall;
  readonly desc: CallDescriptors;
  algo?: AlgoPerf;
  candidates?: number;
}

const ALPHA = new Float32Array([1]);
const BETA = new Float32Array([0]);

/** Convolutions on cuDNN 9 (legacy API): algorithms measured once per workload and pass, then cached. */
export class CudnnBackend implements ConvBackend {
  readonly name = 'cudnn';
  readonly device: CudaDevice;
  readonly mathMode: MathMode;
  private readonly cudnn: Cudnn;
  private readonly math: CudnnMathSetting;
  private readonly plans = new Map<string, Plan>();
  private readonly maxWorkspace: number;
  private workspace = { ptr: 0n, bytes: 0 };

  private constructor(device: CudaDevice, mathMode: MathMode, options: CudnnBackendOptions) {
    this.math = cudnnMathSetting(mathMode);
    this.device = device;
    this.mathMode = mathMode;
    this.cudnn = new Cudnn(device.ctx.stream, options);
    this.maxWorkspace = options.maxWorkspaceBytes ?? 4 * 2 ** 30;
  }

  static async create(
    options: BackendCreateOptions & { cudnn?: CudnnBackendOptions },
  ): Promise<CudnnBackend> {
    if (!(options.device instanceof CudaDevice)) {
      throw new DeviceError(`the cudnn backend needs a CUDA device, got '${options.device.kind}'`);
    }
    cudnnMathSetting(options.mathMode); // refuse bf16 before loading anything
    return new CudnnBackend(options.device, options.mathMode, options.cudnn ?? {});
  }

  private plan(workload: ConvWorkload, pass: ConvPass): Plan {
    const key = planKey(pass, convWorkloadKey(workload));
    const known = this.plans.get(key);
    if (known) return known;
    const call = cudnnConvCall(workload, pass);
    const c = this.cudnn;
    const desc: CallDescriptors = {
      x: c.tensorDescriptor(call.xDims),
      y: c.tensorDescriptor(call.yDims),
      w: c.filterDescriptor(call.wDims),
      conv: c.convolutionDescriptor(call.pad, call.stride, call.dilation, this.math.mathType),
    };
    const dims = c.forwardOutputDims(desc.conv, desc.x, desc.w, call.xDims.length);
    if (dims.join() !== call.yDims.join()) {
      throw new ShapeError(
        `cuDNN computes output [${dims.join(',')}] where we expect [${call.yDims.join(',')}]`,
      );
    }
    const plan: Plan = { call, desc };
    this.plans.set(key, plan);
    return plan;
  }

  /** Grow the execution workspace to `bytes` (through the device's pool, so memory statistics include it). */
  private ensureWorkspace(bytes: number): void {
    if (bytes <= this.workspace.bytes) return;
    const pool = this.device.allocator;
    if (this.workspace.bytes > 0) pool.free(this.workspace.ptr);
    this.workspace = { ptr: pool.alloc(bytes).ptr, bytes };
  }

  /** Measure every algorithm on these buffers, keep the fastest allowed one. */
  private choose(plan: Plan, buffers: { x: bigint; y: bigint; w: bigint }): AlgoPerf {
    if (plan.algo) return plan.algo;
    const ctx = this.device.ctx;
    const searchBytes = Math.max(0, Math.min(this.maxWorkspace, Math.floor(ctx.memInfo().freeBytes / 2)));
    const pool = this.device.allocator;
    const ws = { ptr: searchBytes > 0 ? pool.alloc(searchBytes).ptr : 0n, bytes: searchBytes };
    try {
      const perfs = findAlgorithms(this.cudnn, plan.call.op, plan.desc, buffers, ws);
      const best = chooseAlgo(perfs, this.math.allowTensorOps);
      if (!best) {
        throw new DeviceError(
          `cuDNN found no usable ${plan.call.op} algorithm for x [${plan.call.xDims.join(',')}] w [${plan.call.wDims.join(',')}]`,
          `tried ${perfs.length} with statuses ${perfs.map((p) => p.status).join(',')}; try --math tf32 or a smaller patch`,
        );
      }
      plan.algo = best;
      plan.candidates = perfs.length;
    } finally {
      if (ws.bytes > 0) {
        pool.free(ws.ptr);
        pool.emptyCache(); // the search workspace is large and used once: give it back
      }
    }
    this.cudnn.setMathType(plan.desc.conv, plan.algo.mathType);
    return plan.algo;
  }

  private run(plan: Plan, b: { x: bigint; y: bigint; w: bigint }): void {
    const algo = this.choose(plan, b);
    this.ensureWorkspace(algo.memoryBytes);
    const c = this.cudnn;
    const d = plan.desc;
    const ws = algo.memoryBytes > 0 ? this.workspace.ptr : null;
    const n = algo.memoryBytes;
    switch (plan.call.op) {
      case 'forward':
        c.check(
          c.api.cudnnConvolutionForward(
            c.handle,
            ALPHA,
            d.x,
            b.x,
            d.w,
            b.w,
            d.conv,
            algo.algo,
            ws,
            n,
            BETA,
            d.y,
            b.y,
          ),
          'cudnnConvolutionForward',
        );
        break;
      case 'backwardData':
        c.check(
          c.api.cudnnConvolutionBackwardData(
            c.handle,
            ALPHA,
            d.w,
            b.w,
            d.y,
            b.y,
            d.conv,
            algo.algo,
            ws,
            n,
            BETA,
            d.x,
            b.x,
          ),
          'cudnnConvolutionBackwardData',
        );
        break;
      case 'backwardFilter':
        c.check(
          c.api.cudnnConvolutionBackwardFilter(
            c.handle,
            ALPHA,
            d.x,
            b.x,
            d.y,
            b.y,
            d.conv,
            algo.algo,
            ws,
            n,
            BETA,
            d.w,
            b.w,
          ),
          'cudnnConvolutionBackwardFilter',
        );
        break;
    }
  }

  /** Run one pass: `a` and `b` are the caller's two inputs (forward: x, W; backwardData: dy, W; backwardFilter: x, dy). */
  private pass(workload: ConvWorkload, pass: ConvPass, a: Tensor, b: Tensor): CudaTensor {
    const plan = this.plan(workload, pass);
    const out = this.device.alloc(plan.call.resultDims);
    const ta = asCuda(a).ptr;
    const tb = asCuda(b).ptr;
    const call = plan.call;
    try {
      if (call.op === 'forward') this.run(plan, { x: ta, w: tb, y: out.ptr });
      else if (call.op === 'backwardData') this.run(plan, { y: ta, w: tb, x: out.ptr });
      else if (call.swapFilterInputs) this.run(plan, { x: tb, y: ta, w: out.ptr });
      else this.run(plan, { x: ta, y: tb, w: out.ptr });
    } catch (err) {
      this.device.free(out);
      throw err;
    }
    return out;
  }

  async prepare(workload: ConvWorkload, passes: readonly ConvPass[]): Promise<void> {
    for (const p of passes) {
      const plan = this.plan(workload, p);
      if (plan.algo) continue;
      const call = plan.call;
      const x = this.device.zeros(call.xDims);
      const y = this.device.zeros(call.yDims);
      const w = this.device.zeros(call.wDims);
      try {
        this.choose(plan, { x: x.ptr, y: y.ptr, w: w.ptr });
      } finally {
        this.device.free(x);
        this.device.free(y);
        this.device.free(w);
      }
    }
  }

  async forward(workload: ConvWorkload, x: Tensor, weight: Tensor): Promise<Tensor> {
    return this.pass(workload, 'forward', x, weight);
  }

  async backwardData(workload: ConvWorkload, dy: Tensor, weight: Tensor): Promise<Tensor> {
    return this.pass(workload, 'backwardData', dy, weight);
  }

  async backwardFilter(workload: ConvWorkload, x: Tensor, dy: Tensor): Promise<Tensor> {
    return this.pass(workload, 'backwardFilter', x, dy);
  }

  describe(): Record<string, unknown> {
    const algorithms: Record<string, unknown> = {};
    for (const [key, p] of this.plans) {
      if (!p.algo) continue;
      algorithms[key] = {
        cudnnOp: p.call.op,
        algo: algoName(p.call.op, p.algo.algo),
        timeMs: p.algo.timeMs,
        workspaceBytes: p.algo.memoryBytes,
        mathType: CUDNN_MATH_NAMES[p.algo.mathType] ?? p.algo.mathType,
        candidates: p.candidates,
      };
    }
    return {
      backend: this.name,
      cudnnVersion: this.cudnn.version,
      libcudnn: this.cudnn.library.path,
      mathMode: this.mathMode,
      cudnnMathType: CUDNN_MATH_NAMES[this.math.mathType],
      algorithmSearch: 'cudnnFind*AlgorithmEx (every algorithm measured once per workload and pass)',
      workspaceBytes: this.workspace.bytes,
      algorithms,
    };
  }

  async dispose(): Promise<void> {
    const c = this.cudnn;
    this.device.ctx.synchronize();
    for (const p of this.plans.values()) {
      c.destroyTensor(p.desc.x);
      c.destroyTensor(p.desc.y);
      c.destroyFilter(p.desc.w);
      c.destroyConvolution(p.desc.conv);
    }
    this.plans.clear();
    if (this.workspace.bytes > 0) this.device.allocator.free(this.workspace.ptr);
    this.workspace = { ptr: 0n, bytes: 0 };
    c.dispose();
  }
}
