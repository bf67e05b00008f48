import { ShapeError } from './errors.js';
import { type Triple, triple } from './shape.js';

/**
 * A 3-D convolution's geometry. Per-axis values are (z, y, x).
 * For a transposed convolution the output padding adds to one side of the output (PyTorch semantics).
 */
export interface ConvSpec {
  readonly kernel: Triple;
  readonly stride: Triple;
  readonly padding: Triple;
  readonly dilation: Triple;
  readonly transposed: boolean;
  readonly outputPadding: Triple;
}

export interface ConvSpecInit {
  kernel: number | readonly number[];
  stride?: number | readonly number[];
  padding?: number | readonly number[] | 'same';
  dilation?: number | readonly number[];
  transposed?: boolean;
  outputPadding?: number | readonly number[];
}

/** Normalise and validate a conv spec. `padding: 'same'` means (k-1)/2 per axis, odd kernels and stride 1 only. */
export function convSpec(init: ConvSpecInit): ConvSpec {
  const kernel = triple(init.kernel, 'kernel');
  const stride = triple(init.stride ?? 1, 'stride');
  const dilation = triple(init.dilation ?? 1, 'dilation');
  const transposed = init.transposed ?? false;
  const outputPadding = triple(init.outputPadding ?? 0, 'outputPadding');
  for (const [name, t, min] of [
    ['kernel', kernel, 1],
    ['stride', stride, 1],
    ['dilation', dilation, 1],
  ] as const) {
    for (const v of t) {
      if (!Number.isInteger(v) || v < min)
        throw new ShapeError(`${name} entries must be integers ≥ ${min}, got [${t.join(',')}]`);
    }
  }
  let padding: Triple;
  if (init.padding === 'same') {
    if (kernel.some((k) => k % 2 === 0) || stride.some((s) => s !== 1)) {
      throw new ShapeError(
        `padding 'same' needs odd kernels and stride 1, got kernel [${kernel.join(',')}] stride [${stride.join(',')}]`,
      );
    }
    padding = [
      (dilation[0] * (kernel[0] - 1)) / 2,
      (dilation[1] * (kernel[1] - 1)) / 2,
      (dilation[2] * (kernel[2] - 1)) / 2,
    ];
  } else {
    padding = triple(init.padding ?? 0, 'padding');
  }
  for (const p of padding) {
    if (!Number.isInteger(p) || p < 0)
      throw new ShapeError(`padding entries must be integers ≥ 0, got [${padding.join(',')}]`);
  }
  for (let a = 0; a < 3; a++) {
    const op = outputPadding[a]!;
    if (!Number.isInteger(op) || op < 0)
      throw new ShapeError(`outputPadding entries must be integers ≥ 0, got [${outputPadding.join(',')}]`);
    if (!transposed && op !== 0)
      throw new ShapeError('outputPadding is only allowed on a transposed convolution');
    if (transposed && op >= Math.max(stride[a]!, dilation[a]!)) {
      throw new ShapeError(
        `outputPadding ${op} on axis ${'zyx'[a]} must be smaller than the stride or dilation`,
      );
    }
  }
  return { kernel, stride, padding, dilation, transposed, outputPadding };
}

const AXES = ['z (D)', 'y (H)', 'x (W)'] as const;

/** Spatial output size of a convolution applied to `input` (z, y, x). Throws ShapeError if impossible. */
export function convOutputSpatial(spec: ConvSpec, input: Triple): Triple {
  const out = [0, 0, 0];
  for (let a = 0; a < 3; a++) {
    const i = input[a]!;
    if (!Number.isInteger(i) || i <= 0)
      throw new ShapeError(`input size on axis ${AXES[a]} must be a positive integer, got ${i}`);
    const k = spec.kernel[a]!;
    const s = spec.stride[a]!;
    const p = spec.padding[a]!;
    const d = spec.dilation[a]!;
    const effective = d * (k - 1) + 1;
    if (spec.transposed) {
      out[a] = (i - 1) * s - 2 * p + effective + spec.outputPadding[a]!;
    } else {
      const span = i + 2 * p - effective;
      if (span < 0) {
        throw new ShapeError(
          `kernel extent ${effective} on axis ${AXES[a]} is larger than the padded input ${i + 2 * p}`,
          'use a larger patch or a smaller kernel',
        );
      }
      out[a] = Math.floor(span / s) + 1;
    }
    if (out[a]! <= 0) throw new ShapeError(`output size on axis ${AXES[a]} would be ${out[a]}`);
  }
  return [out[0]!, out[1]!, out[2]!];
}

/** True when the conv maps every input voxel to exactly one output voxel window: stride divides the input. */
export function convDividesEvenly(spec: ConvSpec, input: Triple): boolean {
  if (spec.transposed) return true;
  return input.every(
    (i, a) =>
      (i + 2 * spec.padding[a]! - spec.dilation[a]! * (spec.kernel[a]! - 1) - 1) % spec.stride[a]! === 0,
  );
}
