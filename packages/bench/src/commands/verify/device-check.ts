import {
  type Device,
  type DeviceOps,
  type HostArray,
  mixSeed,
  type SeededRng,
  type Shape,
  seededRng,
  type Tensor,
} from '@unet3d/core';

/**
 * `verify --device-ops`: every DeviceOps operation run on a device under test (the CUDA device) and on a
 * reference device (the CPU device) with the same random inputs, each output compared. Written against the
 * Device interface only, so any two devices can be compared (CPU against CPU in the tests).
 */

/** Activations shape (N, C, D, H, W) for the check: two samples, every spatial extent even (for pooling). */
export const DEVICE_CHECK_SHAPE: Shape = [2, 3, 4, 6, 6];
/** Largest accepted error in fp32: above float32 rounding over the ops' reductions, far below a wrong kernel. */
export const DEVICE_CHECK_TOLERANCE = 1e-4;

/** One output of one op: the normwise relative error max|got − ref| / max|ref| (0 when both are all zero). */
export interface OpOutputCheck {
  readonly op: keyof DeviceOps;
  /** Which output, e.g. "y", "dgamma", "runningVar", "loss". */
  readonly output: string;
  readonly maxRelError: number;
  readonly pass: boolean;
}

export interface DeviceCheckReport {
  readonly subject: string;
  readonly reference: string;
  readonly shape: Shape;
  readonly tolerance: number;
  readonly checks: readonly OpOutputCheck[];
  /** The check with the largest error (NaN counts as the worst). */
  readonly worst: OpOutputCheck;
  readonly pass: boolean;
}

/**
 * Normwise relative error max_i |got_i − ref_i| / max_i |ref_i|. Normwise rather than per element, so an
 * element of the reference near zero does not dominate; Infinity when the reference is all zero and got is
 * not, NaN when either holds a NaN.
 */
export function normwiseRelativeError(got: ArrayLike<number>, ref: ArrayLike<number>): number {
  if (got.length !== ref.length) return Number.NaN;
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < ref.length; i++) {
    const g = got[i] as number;
    const r = ref[i] as number;
    if (Number.isNaN(g) || Number.isNaN(r)) return Number.NaN;
    diff = Math.max(diff, Math.abs(g - r));
    scale = Math.max(scale, Math.abs(r));
  }
  if (diff === 0) return 0;
  return scale === 0 ? Number.POSITIVE_INFINITY : diff / scale;
}

/** Host inputs of one op case, drawn once and uploaded to both devices. */
type Outputs = Record<string, HostArray | number>;
type OpCase = (device: Device, host: HostInputs) => Outputs;

interface HostInputs {
  readonly shape: Shape;
  readonly channels: number;
  x: Float32Array;
  x2: Float32Array;
  dy: Float32Array;
  /** A valid ELU output for alpha = 1 (every value > −1). */
  eluY: Float32Array;
  gamma: Float32Array;
  beta: Float32Array;
  runningMean: Float32Array;
  runningVar: Float32Array;
  bias: Float32Array;
  /** Logits, targets and mask in the network head's shape (N, 12, D, H, W). */
  logits: Float32Array;
  target: Float32Array;
  mask: Float32Array;
  /** Adam state for a parameter of `x`'s size: v > 0. */
  m: Float32Array;
  v: Float32Array;
}

const ELU_ALPHA = 1;
const BN = { momentum: 0.1, eps: 1e-5 };
const AFFINITY_MAPS = 12;

function drawInputs(shape: Shape, seed: number): HostInputs {
  const [n, c, d, h, w] = shape as [number, number, number, number, number];
  const size = n * c * d * h * w;
  const headSize = n * AFFINITY_MAPS * d * h * w;
  let stream = 0;
  const draw = (len: number, f: (r: SeededRng) => number): Float32Array => {
    const rng = seededRng(mixSeed(seed, stream++));
    return Float32Array.from({ length: len }, () => f(rng));
  };
  return {
    shape,
    channels: c,
    x: draw(size, (r) => r.normal() * 1.5 + 0.3),
    x2: draw(size, (r) => r.uniform(-2, 2)),
    dy: draw(size, (r) => r.normal()),
    eluY: draw(size, (r) => r.uniform(-0.95, 3)),
    gamma: draw(c, (r) => r.uniform(0.5, 1.5)),
    beta: draw(c, (r) => r.uniform(-0.5, 0.5)),
    runningMean: draw(c, (r) => r.uniform(-0.2, 0.2)),
    runningVar: draw(c, (r) => r.uniform(0.5, 2)),
    bias: draw(c, (r) => r.uniform(-1, 1)),
    logits: draw(headSize, (r) => r.uniform(-6, 6)),
    target: draw(headSize, (r) => (r.next() < 0.5 ? 1 : 0)),
    mask: draw(headSize, (r) => (r.next() < 0.8 ? 1 : 0)),
    m: draw(size, (r) => r.normal() * 0.01),
    v: draw(size, (r) => r.uniform(1e-6, 1e-3)),
  };
}

/** Upload, run, download and free: every tensor a case touches is freed before it returns. */
class Scope {
  private readonly tensors: Tensor[] = [];
  constructor(readonly device: Device) {}
  up(data: Float32Array, shape: Shape): Tensor {
    return this.keep(this.device.upload(data, shape));
  }
  keep(t: Tensor): Tensor {
    this.tensors.push(t);
    return t;
  }
  down(t: Tensor): HostArray {
    return this.device.download(t);
  }
  dispose(): void {
    for (const t of this.tensors) this.device.free(t);
    this.tensors.length = 0;
  }
}

function run(device: Device, host: HostInputs, body: (s: Scope, host: HostInputs) => Outputs): Outputs {
  const scope = new Scope(device);
  try {
    const out = body(scope, host);
    device.synchronize();
    return out;
  } finally {
    scope.dispose();
  }
}

const channelShape = (c: number): Shape => [c];
const headShape = (shape: Shape): Shape => [shape[0]!, AFFINITY_MAPS, shape[2]!, shape[3]!, shape[4]!];

/** Every DeviceOps operation; the Record type makes a new op in DeviceOps a compile error here until covered. */
export const DEVICE_OP_CASES: Readonly<Record<keyof DeviceOps, OpCase>> = {
  batchNormTrain: (device, host) =>
    run(device, host, (s, h) => {
      const c = channelShape(h.channels);
      const rm = s.up(h.runningMean, c);
      const rv = s.up(h.runningVar, c);
      const { y, saved } = device.ops.batchNormTrain(
        s.up(h.x, h.shape),
        s.up(h.gamma, c),
        s.up(h.beta, c),
        rm,
        rv,
        BN,
      );
      s.keep(y);
      s.keep(saved.mean);
      s.keep(saved.invStd);
      return {
        y: s.down(y),
        mean: s.down(saved.mean),
        invStd: s.down(saved.invStd),
        runningMean: s.down(rm),
        runningVar: s.down(rv),
      };
    }),
  batchNormInfer: (device, host) =>
    run(device, host, (s, h) => {
      const c = channelShape(h.channels);
      const y = device.ops.batchNormInfer(
        s.up(h.x, h.shape),
        s.up(h.gamma, c),
        s.up(h.beta, c),
        s.up(h.runningMean, c),
        s.up(h.runningVar, c),
        BN.eps,
      );
      return { y: s.down(s.keep(y)) };
    }),
  batchNormBackward: (device, host) =>
    run(device, host, (s, h) => {
      const c = channelShape(h.channels);
      const x = s.up(h.x, h.shape);
      const gamma = s.up(h.gamma, c);
      const { y, saved } = device.ops.batchNormTrain(
        x,
        gamma,
        s.up(h.beta, c),
        s.up(h.runningMean, c),
        s.up(h.runningVar, c),
        BN,
      );
      s.keep(y);
      s.keep(saved.mean);
      s.keep(saved.invStd);
      const g = device.ops.batchNormBackward(s.up(h.dy, h.shape), x, gamma, saved);
      return {
        dx: s.down(s.keep(g.dx)),
        dgamma: s.down(s.keep(g.dgamma)),
        dbeta: s.down(s.keep(g.dbeta)),
      };
    }),
  elu: (device, host) =>
    run(device, host, (s, h) => ({ y: s.down(s.keep(device.ops.elu(s.up(h.x, h.shape), ELU_ALPHA))) })),
  eluBackward: (device, host) =>
    run(device, host, (s, h) => ({
      dx: s.down(s.keep(device.ops.eluBackward(s.up(h.dy, h.shape), s.up(h.eluY, h.shape), ELU_ALPHA))),
    })),
  add: (device, host) =>
    run(device, host, (s, h) => ({
      y: s.down(s.keep(device.ops.add(s.up(h.x, h.shape), s.up(h.x2, h.shape)))),
    })),
  addInto: (device, host) =>
    run(device, host, (s, h) => {
      const t = s.up(h.x, h.shape);
      device.ops.addInto(t, s.up(h.x2, h.shape));
      return { target: s.down(t) };
    }),
  biasAddInto: (device, host) =>
    run(device, host, (s, h) => {
      const t = s.up(h.x, h.shape);
      device.ops.biasAddInto(t, s.up(h.bias, channelShape(h.channels)));
      return { x: s.down(t) };
    }),
  biasGrad: (device, host) =>
    run(device, host, (s, h) => ({ dbias: s.down(s.keep(device.ops.biasGrad(s.up(h.dy, h.shape)))) })),
  maxPool2x: (device, host) =>
    run(device, host, (s, h) => {
      const { y, argmax } = device.ops.maxPool2x(s.up(h.x, h.shape));
      return { y: s.down(s.keep(y)), argmax: s.down(s.keep(argmax)) };
    }),
  maxPool2xBackward: (device, host) =>
    run(device, host, (s, h) => {
      const { y, argmax } = device.ops.maxPool2x(s.up(h.x, h.shape));
      s.keep(y);
      s.keep(argmax);
      const dy = s.up(h.dy.subarray(0, y.size), y.shape);
      return { dx: s.down(s.keep(device.ops.maxPool2xBackward(dy, argmax, h.shape))) };
    }),
  upsampleTrilinear2x: (device, host) =>
    run(device, host, (s, h) => ({
      y: s.down(s.keep(device.ops.upsampleTrilinear2x(s.up(h.x, h.shape)))),
    })),
  upsampleTrilinear2xBackward: (device, host) =>
    run(device, host, (s, h) => {
      // dy of the upsampled shape: 8× the elements of x, drawn from x, x2 and dy cycled.
      const [n, c, d, hh, w] = h.shape as [number, number, number, number, number];
      const big: Shape = [n, c, 2 * d, 2 * hh, 2 * w];
      const data = Float32Array.from({ length: 8 * h.x.length }, (_, i) => {
        const src = [h.x, h.x2, h.dy][i % 3]!;
        return src[(i * 7) % src.length]!;
      });
      return { dx: s.down(s.keep(device.ops.upsampleTrilinear2xBackward(s.up(data, big), h.shape))) };
    }),
  sigmoidBce: (device, host) =>
    run(device, host, (s, h) => {
      const hs = headShape(h.shape);
      const r = device.ops.sigmoidBce(s.up(h.logits, hs), s.up(h.target, hs), s.up(h.mask, hs));
      return { loss: r.loss, dlogits: s.down(s.keep(r.dlogits)) };
    }),
  adamStepInto: (device, host) =>
    run(device, host, (s, h) => {
      const param = s.up(h.x, h.shape);
      const m = s.up(h.m, h.shape);
      const v = s.up(h.v, h.shape);
      device.ops.adamStepInto(param, s.up(h.dy, h.shape), m, v, {
        lr: 1e-3,
        beta1: 0.9,
        beta2: 0.999,
        eps: 1e-8,
        step: 3,
      });
      return { param: s.down(param), m: s.down(m), v: s.down(v) };
    }),
};

export interface DeviceCheckOptions {
  /** Activations shape, default DEVICE_CHECK_SHAPE. */
  shape?: Shape;
  seed?: number;
  /** Largest accepted normwise relative error, default DEVICE_CHECK_TOLERANCE (1e-4). */
  tolerance?: number;
  /** Only these ops (default all). */
  ops?: readonly (keyof DeviceOps)[];
}

/**
 * Run every DeviceOps op on `subject` and on `reference` with the same seeded inputs and compare each output
 * (normwiseRelativeError). An op that throws on the subject is reported as a failed check with error NaN
 * and output "threw: <message>" rather than stopping the others.
 */
export function checkDeviceOps(
  subject: Device,
  reference: Device,
  options: DeviceCheckOptions = {},
): DeviceCheckReport {
  const shape = options.shape ?? DEVICE_CHECK_SHAPE;
  if (shape.length !== 5 || shape.slice(2).some((e) => e % 2 !== 0)) {
    throw new RangeError(`device check shape must be NCDHW with even D, H, W; got [${shape.join(',')}]`);
  }
  const tolerance = options.tolerance ?? DEVICE_CHECK_TOLERANCE;
  const host = drawInputs(shape, options.seed ?? 1);
  const ops = options.ops ?? (Object.keys(DEVICE_OP_CASES) as (keyof DeviceOps)[]);
  const checks: OpOutputCheck[] = [];
  for (const op of ops) {
    const ref = DEVICE_OP_CASES[op](reference, host);
    let got: Outputs;
    try {
      got = DEVICE_OP_CASES[op](subject, host);
    } catch (err) {
      const message = (err as Error).message.split('\n')[0] ?? '';
      checks.push({ op, output: `threw: ${message}`, maxRelError: Number.NaN, pass: false });
      continue;
    }
    for (const [output, r] of Object.entries(ref)) {
      const g = got[output];
      const e =
        typeof r === 'number'
          ? normwiseRelativeError([typeof g === 'number' ? g : Number.NaN], [r])
          : normwiseRelativeError(g === undefined || typeof g === 'number' ? [] : g, r);
      checks.push({ op, output, maxRelError: e, pass: e <= tolerance });
    }
  }
  const rank = (c: OpOutputCheck) => (Number.isNaN(c.maxRelError) ? Number.POSITIVE_INFINITY : c.maxRelError);
  const worst = checks.reduce((a, b) => (rank(b) > rank(a) ? b : a));
  return {
    subject: subject.name,
    reference: reference.name,
    shape,
    tolerance,
    checks,
    worst,
    pass: checks.every((c) => c.pass),
  };
}

/** One line per failing output and a summary line naming the worst, for the CLI. */
export function formatDeviceCheck(report: DeviceCheckReport): string {
  const lines = report.checks
    .filter((c) => !c.pass)
    .map((c) => `  FAIL ${c.op}.${c.output}: relative error ${c.maxRelError.toExponential(2)}`);
  const w = report.worst;
  lines.push(
    `${report.pass ? 'ok' : 'FAIL'}: ${report.checks.length} outputs of ${
      new Set(report.checks.map((c) => c.op)).size
    } device ops, ${report.subject} vs ${report.reference} at [${report.shape.join(',')}]; worst ${w.op}.${
      w.output
    } ${w.maxRelError.toExponential(2)} (tolerance ${report.tolerance.toExponential(0)})`,
  );
  return lines.join('\n');
}
