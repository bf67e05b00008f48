import { performance } from 'node:perf_hooks';
import {
  CONV_PASSES,
  type ConvBackend,
  type ConvWorkload,
  convWorkloadKey,
  type Device,
  type HostArray,
  type Tensor,
} from '@unet3d/core';
import type { Network } from '@unet3d/model';
import { Activations } from './activations.js';
import { Adam, type AdamConfig, adamConfig } from './adam.js';
import { runBackward } from './backward.js';
import { type TensorLike, toDevice } from './batch.js';
import { type ExecContext, runForward } from './forward.js';
import { NO_FUSION, planFusion } from './fusion.js';
import { type NamedTensor, ParameterStore } from './parameters.js';
import { assertTrainable, INPUT, planNetwork } from './plan.js';
import { indexState, TRAINER_STATE_VERSION, type TrainerState } from './state.js';
import { Timer, type TimingHook } from './timing.js';

export interface TrainerOptions {
  network: Network;
  device: Device;
  backend: ConvBackend;
  /** Seed of the parameter initialisation (default 0). */
  seed?: number;
  adam?: Partial<AdamConfig>;
  /** Batch-norm momentum (PyTorch semantics, default 0.1) and eps (default 1e-5). */
  batchNorm?: { momentum?: number; eps?: number };
  /** Per-layer, per-pass timing; when unset no extra device syncs happen. Can be changed later. */
  onTiming?: TimingHook;
  /** Call backend.prepare for every conv workload up front (default true). */
  prepare?: boolean;
  /**
   * Use the device's fused op chains (FusedDeviceOps: BN → ELU with residual, bias → ELU, Adam over all
   * parameters) in training where the device has them (default true); false runs the plain DeviceOps.
   */
  fusion?: boolean;
}

/** One training example batch: input (N,1,D,H,W), affinity targets and mask (N,12,D,H,W) for the output. */
export interface Batch {
  input: TensorLike;
  target: TensorLike;
  mask: TensorLike;
}

export interface StepResult {
  loss: number;
  /** Wall time of the whole step (forward, loss, backward, Adam), synchronised at the end. */
  ms: number;
  /** Iterations completed after this step. */
  iteration: number;
  /** The training-mode logits of this step (before the update), when asked for with `{ output: true }`. */
  output?: HostArray;
}

export interface GradientResult {
  loss: number;
  /** Gradient of the loss per trainable parameter, on the host. */
  params: Map<string, HostArray>;
  /** Gradient w.r.t. the network input, when asked for. */
  input?: HostArray;
}

export interface Trainer {
  readonly network: Network;
  readonly device: Device;
  readonly backend: ConvBackend;
  readonly adam: AdamConfig;
  /** Iterations completed (Adam's step count). */
  readonly iteration: number;
  /** Trainable parameters (weights, biases, BN gamma/beta), in layer order. */
  parameters(): readonly NamedTensor[];
  /** BN running statistics. */
  buffers(): readonly NamedTensor[];
  parameterCount(): number;
  setTimingHook(hook: TimingHook | undefined): void;
  /** The layer chains training runs as fused device calls (names per chain); empty without fusion. */
  fusedChains(): ReadonlyArray<readonly string[]>;
  /** Forward, loss, backward and one Adam update. */
  step(batch: Batch, options?: { output?: boolean }): Promise<StepResult>;
  /** Training-mode loss and gradients without updating anything (BN running statistics untouched). */
  gradients(batch: Batch, options?: { inputGradient?: boolean }): Promise<GradientResult>;
  /** Training-mode loss without backward or updates (BN running statistics untouched). */
  loss(batch: Batch): Promise<number>;
  /** Eval-mode forward (running statistics): the logits on the host. */
  predict(input: TensorLike): Promise<HostArray>;
  state(): TrainerState;
  loadState(state: TrainerState): void;
  dispose(): void;
}

export async function createTrainer(options: TrainerOptions): Promise<Trainer> {
  const { network, device, backend } = options;
  const plan = planNetwork(network);
  assertTrainable(network);
  const adamCfg = adamConfig(options.adam);
  const bnMomentum = options.batchNorm?.momentum ?? 0.1;
  const bnEps = options.batchNorm?.eps ?? 1e-5;
  if (options.prepare !== false && backend.prepare) {
    const seen = new Map<string, ConvWorkload>();
    for (const l of network.layers) if (l.kind === 'conv') seen.set(convWorkloadKey(l.workload), l.workload);
    for (const w of seen.values()) await backend.prepare(w, CONV_PASSES);
  }
  const params = new ParameterStore(device, network, options.seed ?? 0);
  const adam = new Adam(device, params.trainable, adamCfg);
  const timer = new Timer(device, options.onTiming);
  const useFusion = options.fusion !== false && device.fused !== undefined;
  const fusion = useFusion ? planFusion(plan) : NO_FUSION;
  const ctx: ExecContext = { device, backend, params, plan, timer, fusion };
  const targetShape = plan.outputShape;
  let disposed = false;

  const assertLive = (): void => {
    if (disposed) throw new Error('trainer was disposed');
  };

  /** Forward (+ loss, + backward) over one batch; frees everything it allocated. */
  async function run<T>(
    batch: Batch,
    momentum: number,
    body: (acts: Activations, out: Tensor, target: Tensor, mask: Tensor) => Promise<T>,
  ): Promise<T> {
    assertLive();
    const owned: Tensor[] = [];
    const borrowed = new Set<Tensor>();
    const put = (v: TensorLike, shape: readonly number[], what: string): Tensor => {
      const r = toDevice(device, v, shape, what);
      if (r.owned) owned.push(r.tensor);
      else borrowed.add(r.tensor);
      return r.tensor;
    };
    const acts = new Activations(device, plan.layers.length, borrowed);
    try {
      const x = toDevice(device, batch.input, network.input, 'input');
      if (!x.owned) borrowed.add(x.tensor); // an uploaded input is owned (and freed) by the activations
      acts.set(INPUT, x.tensor);
      const target = put(batch.target, targetShape, 'target');
      const mask = put(batch.mask, targetShape, 'mask');
      const out = await runForward(ctx, acts, { mode: 'train', bnMomentum: momentum, bnEps });
      return await body(acts, out, target, mask);
    } finally {
      acts.dispose();
      for (const t of owned) device.free(t);
    }
  }

  async function lossAndBackward(
    acts: Activations,
    out: Tensor,
    target: Tensor,
    mask: Tensor,
    wantInput: boolean,
  ) {
    const { loss, dlogits } = await timer.run('(loss)', 'loss', 'forward', false, () =>
      device.ops.sigmoidBce(out, target, mask),
    );
    if (!plan.lastBackwardUse.has(plan.output)) acts.release(plan.output);
    const grads = await runBackward(ctx, acts, dlogits, wantInput);
    return { loss, ...grads };
  }

  const trainer: Trainer = {
    network,
    device,
    backend,
    adam: adamCfg,
    get iteration() {
      return adam.step;
    },
    parameters: () => params.trainable,
    buffers: () => params.buffers,
    parameterCount: () => params.trainable.reduce((n, p) => n + p.tensor.size, 0),
    setTimingHook(hook) {
      timer.hook = hook;
    },
    fusedChains: () => fusion.chains.map((c) => c.covers),

    async step(batch, opts = {}) {
      const t0 = performance.now();
      let output: HostArray | undefined;
      const loss = await run(batch, bnMomentum, async (acts, out, target, mask) => {
        if (opts.output) output = device.download(out);
        const r = await lossAndBackward(acts, out, target, mask, false);
        try {
          await timer.run('(adam)', 'adam', 'backward', false, () =>
            adam.apply(params.trainable, r.paramGrads, useFusion),
          );
        } finally {
          for (const g of r.paramGrads.values()) device.free(g);
        }
        return r.loss;
      });
      device.synchronize();
      const result: StepResult = { loss, ms: performance.now() - t0, iteration: adam.step };
      if (output) result.output = output;
      return result;
    },

    async gradients(batch, opts = {}) {
      return run(batch, 0, async (acts, out, target, mask) => {
        const r = await lossAndBackward(acts, out, target, mask, opts.inputGradient ?? false);
        const result: GradientResult = { loss: r.loss, params: new Map() };
        for (const [name, g] of r.paramGrads) {
          result.params.set(name, device.download(g));
          device.free(g);
        }
        if (r.inputGrad) {
          result.input = device.download(r.inputGrad);
          device.free(r.inputGrad);
        }
        return result;
      });
    },

    async loss(batch) {
      return run(batch, 0, async (_acts, out, target, mask) => {
        const { loss, dlogits } = device.ops.sigmoidBce(out, target, mask);
        device.free(dlogits);
        return loss;
      });
    },

    async predict(input) {
      assertLive();
      const r = toDevice(device, input, network.input, 'input');
      const acts = new Activations(device, plan.layers.length, r.owned ? new Set() : new Set([r.tensor]));
      try {
        acts.set(INPUT, r.tensor);
        const out = await runForward(ctx, acts, { mode: 'eval', bnMomentum, bnEps });
        return device.download(out);
      } finally {
        acts.dispose();
      }
    },

    state() {
      assertLive();
      const tensors = [...params.all(), ...adam.all()].map((t) => ({
        name: t.name,
        shape: t.shape,
        data: device.download(t.tensor),
      }));
      return { version: TRAINER_STATE_VERSION, step: adam.step, tensors };
    },

    loadState(state) {
      assertLive();
      const targets = [...params.all(), ...adam.all()];
      const byName = indexState(state, targets);
      for (const t of targets) {
        const s = byName.get(t.name)!;
        params.assign(t, s.shape, s.data);
      }
      adam.step = state.step;
    },

    dispose() {
      if (disposed) return;
      disposed = true;
      params.dispose();
      adam.dispose();
    },
  };
  return trainer;
}
