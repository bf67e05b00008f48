import {
  type ConvBackend,
  type Device,
  type HostArray,
  mixSeed,
  type SeededRng,
  seededRng,
} from '@unet3d/core';
import { buildResidualSymmetricUnet, type Network } from '@unet3d/model';
import { type Batch, createTrainer } from '@unet3d/train';
import { normwiseRelativeError } from './device-check.js';

/**
 * `verify --iteration`: one full training iteration (forward, sigmoid + BCE loss, backward, Adam step) of a
 * tiny network on a device + conv backend under test (the GPU: CUDA device + cuDNN) and on a reference
 * (the CPU device + onnxruntime or the reference backend), from the same initialisation and batch. Compared:
 * the loss, the gradient of every trainable parameter, and the loss of the following step (which sees the
 * Adam update and the batch-norm running statistics). Written against Device and ConvBackend only.
 */

/** Largest accepted relative error for the loss and every gradient (fp32: < 1e-3, what accumulated float32 rounding over one iteration leaves, far below a wrong pass). */
export const ITERATION_CHECK_TOLERANCE = 1e-3;

/**
 * The tiny networks of the check: both variants of the residual symmetric U-Net at 2 levels (3 and 4
 * channels), patch 4×8×8 — every kind of layer of the real networks (strided 1×5×5 embedding or 1×5×5
 * head, 3×3×3 blocks with BN + ELU + residual, pooling, trilinear upsampling + 1×1×1 projection, skip
 * adds, transposed head) in a network that runs in milliseconds on a CPU.
 */
export function tinyCheckNetwork(strided: boolean): Network {
  return buildResidualSymmetricUnet({
    name: strided ? 'tiny-strided' : 'tiny-baseline',
    channels: [3, 4],
    strided,
    input: [4, 8, 8],
    batch: 1,
  });
}

/** A seeded batch for `network`: input uniform in [−1, 1), affinity targets ~60 % ones, mask ~90 % ones. */
export function checkBatch(network: Network, seed: number): Batch {
  const [n, , d, h, w] = network.input as [number, number, number, number, number];
  const voxels = n * d * h * w;
  const draw = (stream: number, len: number, f: (r: SeededRng) => number) => {
    const rng = seededRng(mixSeed(seed, stream));
    return Float32Array.from({ length: len }, () => f(rng));
  };
  return {
    input: draw(0, voxels, (r) => r.uniform(-1, 1)),
    target: draw(1, 12 * voxels, (r) => (r.next() < 0.6 ? 1 : 0)),
    mask: draw(2, 12 * voxels, (r) => (r.next() < 0.9 ? 1 : 0)),
  };
}

export interface TrainingSide {
  readonly device: Device;
  readonly backend: ConvBackend;
}

export interface QuantityCheck {
  /** "loss", "grad <parameter name>" or "next-step loss". */
  readonly what: string;
  readonly relError: number;
  readonly pass: boolean;
}

export interface IterationCheckReport {
  readonly network: string;
  readonly subject: string;
  readonly reference: string;
  readonly tolerance: number;
  readonly loss: { readonly subject: number; readonly reference: number };
  readonly checks: readonly QuantityCheck[];
  readonly worst: QuantityCheck;
  readonly pass: boolean;
}

export interface IterationCheckOptions {
  /** Default tinyCheckNetwork(true). */
  network?: Network;
  seed?: number;
  tolerance?: number;
}

interface SideResult {
  loss: number;
  grads: Map<string, HostArray>;
  nextLoss: number;
}

async function runSide(side: TrainingSide, network: Network, seed: number): Promise<SideResult> {
  const trainer = await createTrainer({ network, device: side.device, backend: side.backend, seed });
  try {
    const batch = checkBatch(network, seed);
    const { loss, params } = await trainer.gradients(batch);
    await trainer.step(batch);
    const nextLoss = await trainer.loss(checkBatch(network, seed + 1));
    return { loss, grads: params, nextLoss };
  } finally {
    trainer.dispose();
  }
}

/**
 * Compare one training iteration on `subject` against `reference`. Each gradient is compared normwise
 * (max|Δ| / max|ref| over that parameter's elements), the losses as scalars. Both sides build the network
 * from the same seed, so the initial weights are identical.
 */
export async function checkTrainingIteration(
  subject: TrainingSide,
  reference: TrainingSide,
  options: IterationCheckOptions = {},
): Promise<IterationCheckReport> {
  const network = options.network ?? tinyCheckNetwork(true);
  const seed = options.seed ?? 1;
  const tolerance = options.tolerance ?? ITERATION_CHECK_TOLERANCE;
  const ref = await runSide(reference, network, seed);
  const got = await runSide(subject, network, seed);
  const checks: QuantityCheck[] = [];
  const add = (what: string, relError: number) =>
    checks.push({ what, relError, pass: relError <= tolerance });
  add('loss', normwiseRelativeError([got.loss], [ref.loss]));
  for (const [name, r] of ref.grads) {
    const g = got.grads.get(name);
    add(`grad ${name}`, g ? normwiseRelativeError(g, r) : Number.NaN);
  }
  for (const name of got.grads.keys()) if (!ref.grads.has(name)) add(`grad ${name}`, Number.NaN);
  add('next-step loss', normwiseRelativeError([got.nextLoss], [ref.nextLoss]));
  const rank = (c: QuantityCheck) => (Number.isNaN(c.relError) ? Number.POSITIVE_INFINITY : c.relError);
  const worst = checks.reduce((a, b) => (rank(b) > rank(a) ? b : a));
  return {
    network: network.name,
    subject: `${subject.device.name} + ${subject.backend.name}`,
    reference: `${reference.device.name} + ${reference.backend.name}`,
    tolerance,
    loss: { subject: got.loss, reference: ref.loss },
    checks,
    worst,
    pass: checks.every((c) => c.pass),
  };
}

/** One summary line (and one per failing quantity) for the CLI. */
export function formatIterationCheck(report: IterationCheckReport): string {
  const lines = report.checks
    .filter((c) => !c.pass)
    .map((c) => `  FAIL ${c.what}: relative error ${c.relError.toExponential(2)}`);
  const grads = report.checks.filter((c) => c.what.startsWith('grad ')).length;
  lines.push(
    `${report.pass ? 'ok' : 'FAIL'}: one training iteration of ${report.network}, ${report.subject} vs ${
      report.reference
    }: loss ${report.loss.subject.toPrecision(7)} vs ${report.loss.reference.toPrecision(7)}, ${grads} gradients; worst ${
      report.worst.what
    } ${report.worst.relError.toExponential(2)} (tolerance ${report.tolerance.toExponential(0)})`,
  );
  return lines.join('\n');
}
