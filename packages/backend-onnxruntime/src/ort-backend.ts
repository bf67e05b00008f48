import os from 'node:os';
import {
  ConfigError,
  type ConvBackend,
  type ConvPass,
  type ConvWorkload,
  convWorkloadKey,
  type Device,
  type MathMode,
  type Tensor,
} from '@unet3d/core';
import { asCpu, CpuDevice } from '@unet3d/cpu';
import * as ort from 'onnxruntime-node';
import { type Formulation, type PassPlan, type PlanOptions, planPass } from './plan.js';

export interface OrtBackendOptions {
  device: Device;
  mathMode: MathMode;
  /** Threads of one operator; default: the number of cores. */
  intraOpNumThreads?: number;
  /** Upper bound on an im2col column block of the weight gradient, in float32 elements. */
  chunkElements?: number;
  /** Force a formulation per pass, for every workload (measurements and tests); must suit the pass. */
  formulations?: Partial<Record<ConvPass, Formulation>>;
  /**
   * Let onnxruntime's idle intra-op threads spin after each run (its default; session config
   * `session.intra_op.allow_spinning`). Default false here: between convolutions the rest of the training
   * step runs on the same cores (the CPU device's OpenMP ops), and spinning threads take a core from it.
   * Measured (scaled net, 1×64×128×128, 2-core EPYC, iteration-share script): 6.48 s → 4.87 s per iteration.
   */
  allowSpinning?: boolean;
}

interface Prepared {
  readonly session: ort.InferenceSession;
  readonly plan: PassPlan;
}

/**
 * Convolutions on onnxruntime-node's CPU execution provider: one cached InferenceSession per workload and
 * pass, each a small graph that expresses the pass with fast operators (see plan.ts). Tensors stay in the
 * CPU device's Float32Arrays, fed to onnxruntime as views without copies.
 */
export class OrtConvBackend implements ConvBackend {
  readonly name = 'onnxruntime';
  readonly device: CpuDevice;
  readonly mathMode: MathMode = 'fp32';
  private readonly threads: number;
  private readonly planOptions: PlanOptions;
  private readonly forced: Partial<Record<ConvPass, Formulation>>;
  private readonly sessions = new Map<string, Promise<Prepared>>();

  private constructor(
    device: CpuDevice,
    threads: number,
    planOptions: PlanOptions,
    forced: Partial<Record<ConvPass, Formulation>>,
    private readonly allowSpinning: boolean,
  ) {
    this.device = device;
    this.forced = forced;
    this.threads = threads;
    this.planOptions = planOptions;
  }

  static async create(options: OrtBackendOptions): Promise<OrtConvBackend> {
    if (options.mathMode !== 'fp32') {
      throw new ConfigError(
        `the onnxruntime backend supports math mode 'fp32' only, got '${options.mathMode}'`,
        "use --math fp32 (onnxruntime's CPU provider has no tf32/bf16 convolutions)",
      );
    }
    if (!(options.device instanceof CpuDevice)) {
      throw new ConfigError(
        `the onnxruntime backend needs the CPU device, got a '${options.device.kind}' device`,
        'create it with a CpuDevice from @unet3d/cpu',
      );
    }
    const threads = options.intraOpNumThreads ?? os.availableParallelism();
    if (!Number.isInteger(threads) || threads < 1) {
      throw new ConfigError(`intraOpNumThreads must be a positive integer, got ${threads}`);
    }
    const planOptions: PlanOptions = options.chunkElements ? { chunkElements: options.chunkElements } : {};
    return new OrtConvBackend(
      options.device,
      threads,
      planOptions,
      options.formulations ?? {},
      options.allowSpinning ?? false,
    );
  }

  private prepared(w: ConvWorkload, pass: ConvPass): Promise<Prepared> {
    const key = `${convWorkloadKey(w)}/${pass}`;
    let p = this.sessions.get(key);
    if (!p) {
      const forced = this.forced[pass];
      const plan = planPass(
        w,
        pass,
        forced ? { ...this.planOptions, formulation: forced } : this.planOptions,
      );
      p = ort.InferenceSession.create(plan.model, {
        executionProviders: ['cpu'],
        intraOpNumThreads: this.threads,
        interOpNumThreads: 1,
        executionMode: 'sequential',
        graphOptimizationLevel: 'all',
        extra: { session: { intra_op: { allow_spinning: this.allowSpinning ? '1' : '0' } } },
      }).then((session) => ({ session, plan }));
      p.catch(() => this.sessions.delete(key));
      this.sessions.set(key, p);
    }
    return p;
  }

  async prepare(w: ConvWorkload, passes: readonly ConvPass[]): Promise<void> {
    await Promise.all(passes.map((pass) => this.prepared(w, pass)));
  }

  private async run(w: ConvWorkload, pass: ConvPass, a: Tensor, b: Tensor): Promise<Tensor> {
    const { session, plan } = await this.prepared(w, pass);
    const [na, nb] = plan.inputNames;
    const output = session.outputNames[0]!;
    const feeds = { [na]: toOrt(a), [nb]: toOrt(b) };
    if (this.device.precision === 'float64') {
      // Check mode: onnxruntime computes in float32, the device stores float64.
      const y = (await session.run(feeds))[output]!;
      return this.device.upload(y.data as Float32Array, plan.outputShape);
    }
    // onnxruntime writes straight into the result tensor's storage (a pre-allocated fetch): no copy.
    const result = this.device.alloc(plan.outputShape);
    try {
      await session.run(feeds, { [output]: toOrt(result) });
    } catch (err) {
      this.device.free(result);
      throw err;
    }
    return result;
  }

  forward(w: ConvWorkload, x: Tensor, weight: Tensor): Promise<Tensor> {
    return this.run(w, 'forward', x, weight);
  }
  backwardData(w: ConvWorkload, dy: Tensor, weight: Tensor): Promise<Tensor> {
    return this.run(w, 'backwardData', dy, weight);
  }
  backwardFilter(w: ConvWorkload, x: Tensor, dy: Tensor): Promise<Tensor> {
    return this.run(w, 'backwardFilter', x, dy);
  }

  /** The formulation chosen for each prepared workload and pass. */
  async formulations(): Promise<Record<string, string>> {
    const out: Record<string, string> = {};
    for (const [key, p] of this.sessions) out[key] = (await p).plan.formulation;
    return out;
  }

  describe(): Record<string, unknown> {
    return {
      backend: this.name,
      onnxruntime: ort.env.versions.node ?? ort.env.versions.common,
      executionProvider: 'cpu',
      intraOpNumThreads: this.threads,
      intraOpAllowSpinning: this.allowSpinning,
      graphOptimizationLevel: 'all',
      mathMode: this.mathMode,
    };
  }

  async dispose(): Promise<void> {
    const all = [...this.sessions.values()];
    this.sessions.clear();
    for (const p of all) {
      try {
        await (await p).session.release();
      } catch {
        // a session that failed to build has nothing to release
      }
    }
  }
}

function toOrt(t: Tensor): ort.Tensor {
  const c = asCpu(t);
  const data = c.data instanceof Float32Array ? c.data : Float32Array.from(c.data);
  return new ort.Tensor('float32', data, c.shape as number[]);
}
