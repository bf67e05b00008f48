import { ConfigError, type Shape5D, ShapeError } from '@unet3d/core';
import { LayerListBuilder, type TensorRef } from './layer-factory.js';
import type { Network } from './network.js';

/** Number of affinity maps the networks predict (one logit channel per affinity offset). */
export const AFFINITY_CHANNELS = 12;

export interface ResidualSymmetricUnetOptions {
  /** Network name recorded in results ('baseline', 'strided', 'scaled' or a generated name). */
  name: string;
  /** Channels per level c0..c(L-1); L ≥ 2. */
  channels: readonly number[];
  /** Strided (1,2,2) embedding and a transposed-conv (1,2,2) head instead of the full-resolution head. */
  strided: boolean;
  /** Patch (D, H, W) = (z, y, x). */
  input: readonly [number, number, number];
  batch: number;
}

/**
 * Lee et al.'s residual symmetric U-Net (arXiv:1706.00120) as adapted by Zhuang et al.: 2×2×2 pooling at
 * every level, summation skips, trilinear ×2 upsampling followed by a 1×1×1 conv at the finer resolution.
 *
 *   embed (1×5×5, 1→c0, bias; stride (1,2,2) when strided) → ELU
 *   enc l = 0..L-1: block(c(l-1)→c_l) [pool l between levels]
 *   dec d = L-2..0: up(dec d+1 or enc L-1) → proj 1×1×1 c(d+1)→c(d) → skip add(enc d) → BN → ELU → block(c_d→c_d)
 *   head: baseline 1×5×5 c0→c0 (bias) → ELU → 1×1×1 c0→12 (bias); strided: transposed (1,2,2) c0→12 (bias)
 *
 * A block is conv1→BN→ELU (= r), conv2→BN→ELU, conv3, add(conv3, r)→BN→ELU, every conv 3×3×3 'same' without
 * bias. Throws ShapeError/ConfigError for a patch the pooling cannot divide or bad channels.
 */
export function buildResidualSymmetricUnet(options: ResidualSymmetricUnetOptions): Network {
  const { name, channels, strided, input, batch } = options;
  validateUnetOptions(options);
  const levels = channels.length;
  const b = new LayerListBuilder();
  const x: TensorRef = { name: 'input', shape: [batch, 1, input[0], input[1], input[2]] };

  const c0 = channels[0]!;
  let t = b.conv(
    'embed',
    x,
    c0,
    { kernel: [1, 5, 5], stride: strided ? [1, 2, 2] : 1, padding: [0, 2, 2] },
    true,
  );
  t = b.elu('embed.elu', t);

  const encoderOutputs: TensorRef[] = [];
  for (let l = 0; l < levels; l++) {
    if (l > 0) t = b.maxPool(`pool${l - 1}`, t);
    t = residualBlock(b, `enc${l}`, t, channels[l]!);
    encoderOutputs.push(t);
  }

  for (let d = levels - 2; d >= 0; d--) {
    const c = channels[d]!;
    const up = b.upsample(`dec${d}.up`, t);
    const proj = b.conv(`dec${d}.proj`, up, c, { kernel: 1 }, false);
    const skip = b.add(`dec${d}.skip`, proj, encoderOutputs[d]!);
    const bn = b.batchNorm(`dec${d}.bn`, skip);
    const act = b.elu(`dec${d}.elu`, bn);
    t = residualBlock(b, `dec${d}`, act, c);
  }

  let logits: TensorRef;
  if (strided) {
    logits = b.conv(
      'head.out',
      t,
      AFFINITY_CHANNELS,
      { kernel: [1, 2, 2], stride: [1, 2, 2], transposed: true },
      true,
    );
  } else {
    const h = b.conv('head.conv', t, c0, { kernel: [1, 5, 5], padding: [0, 2, 2] }, true);
    const hAct = b.elu('head.elu', h);
    logits = b.conv('head.out', hAct, AFFINITY_CHANNELS, { kernel: 1 }, true);
  }
  const expected: Shape5D = [batch, AFFINITY_CHANNELS, input[0], input[1], input[2]];
  if (logits.shape.some((v, i) => v !== expected[i])) {
    throw new ShapeError(
      `logits shape ${logits.shape.join('×')} differs from the patch ${expected.join('×')}`,
      'use a patch divisible by the pooling',
    );
  }
  return { name, channels: [...channels], strided, input: x.shape, layers: b.layers, output: logits.name };
}

/** conv1→BN→ELU (r), conv2→BN→ELU, conv3, add(conv3, r)→BN→ELU; 3×3×3 'same', no bias. */
function residualBlock(b: LayerListBuilder, prefix: string, x: TensorRef, c: number): TensorRef {
  const conv3 = { kernel: 3, padding: 'same' } as const;
  let t = b.conv(`${prefix}.conv1`, x, c, conv3, false);
  t = b.batchNorm(`${prefix}.bn1`, t);
  const r = b.elu(`${prefix}.elu1`, t);
  t = b.conv(`${prefix}.conv2`, r, c, conv3, false);
  t = b.batchNorm(`${prefix}.bn2`, t);
  t = b.elu(`${prefix}.elu2`, t);
  t = b.conv(`${prefix}.conv3`, t, c, conv3, false);
  t = b.add(`${prefix}.res`, t, r);
  t = b.batchNorm(`${prefix}.bn3`, t);
  return b.elu(`${prefix}.elu3`, t);
}

const AXIS_NAMES = ['D (z)', 'H (y)', 'W (x)'] as const;

/** The divisor each patch axis must honour: 2^(levels-1) for the pooling, ×2 in-plane after a strided embed. */
export function patchDivisors(levels: number, strided: boolean): readonly [number, number, number] {
  const pool = 2 ** (levels - 1);
  return [pool, strided ? 2 * pool : pool, strided ? 2 * pool : pool];
}

function validateUnetOptions(options: ResidualSymmetricUnetOptions): void {
  const { channels, input, batch, strided } = options;
  if (channels.length < 2) {
    throw new ConfigError(
      `a U-Net needs at least 2 levels, got ${channels.length} channel entries`,
      'give one channel count per level, e.g. 24,32,48,72,104',
    );
  }
  channels.forEach((c, i) => {
    if (!Number.isInteger(c) || c <= 0) {
      throw new ConfigError(
        `channel count c${i} must be a positive integer, got ${c}`,
        'every level needs a whole number of channels ≥ 1',
      );
    }
  });
  if (!Number.isInteger(batch) || batch <= 0) {
    throw new ConfigError(`batch must be a positive integer, got ${batch}`, 'use a batch of 1 or more');
  }
  if (input.length !== 3) {
    throw new ShapeError(`patch must have 3 sizes (D,H,W), got ${input.length}`, 'e.g. 64,128,128');
  }
  const divisors = patchDivisors(channels.length, strided);
  for (let a = 0; a < 3; a++) {
    const v = input[a]!;
    if (!Number.isInteger(v) || v <= 0) {
      throw new ShapeError(
        `patch size ${AXIS_NAMES[a]} must be a positive integer, got ${v}`,
        'e.g. 64,128,128',
      );
    }
    const k = divisors[a]!;
    if (v % k !== 0) {
      throw new ShapeError(
        `patch size ${AXIS_NAMES[a]} = ${v} is not divisible by ${k}`,
        `with ${channels.length} levels${strided ? ' and a (1,2,2)-strided embedding' : ''} ` +
          `D must be a multiple of ${divisors[0]} and H, W multiples of ${divisors[1]}`,
      );
    }
  }
}
