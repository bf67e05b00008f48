import { ConfigError } from '@unet3d/core';
import { type FlopsReportOptions, parsePrecision } from '@unet3d/flops';
import { isModelName, MODEL_NAMES } from '@unet3d/model';
import { DEFAULT_BATCH, DEFAULT_PATCH } from '@unet3d/paper';

/** The raw option strings commander hands over (all optional except the model). */
export interface FlopsRawOptions {
  model?: string;
  input?: string;
  batch?: string;
  channels?: string;
  device?: string;
  precision?: string;
  json?: boolean;
}

export interface FlopsOptions extends FlopsReportOptions {
  json: boolean;
}

export const DEFAULT_ROOFLINE_DEVICE = 'titan-x-pascal';

/** Parse "a,b,c" into positive integers, naming the first bad entry. */
export function parsePositiveIntList(value: string, option: string, example: string): number[] {
  const parts = value.split(',').map((s) => s.trim());
  return parts.map((p) => {
    if (!/^-?\d+$/.test(p)) {
      throw new ConfigError(
        `${option} '${value}': '${p}' is not an integer`,
        `give comma-separated positive integers, e.g. ${example}`,
      );
    }
    const n = Number(p);
    if (n <= 0) {
      throw new ConfigError(
        `${option} '${value}': ${n} is not positive`,
        `give comma-separated positive integers, e.g. ${example}`,
      );
    }
    return n;
  });
}

function parsePositiveInt(value: string, option: string): number {
  const n = Number(value.trim());
  if (!/^\s*-?\d+\s*$/.test(value) || n <= 0) {
    throw new ConfigError(
      `${option} '${value}' is not a positive integer`,
      `give a whole number ≥ 1, e.g. ${option} 1`,
    );
  }
  return n;
}

/**
 * Validate the `flops` command's options. Errors are ConfigError with a hint saying what is allowed; patch
 * divisibility and channel-list length are checked when the network is built (buildNetwork).
 */
export function parseFlopsOptions(raw: FlopsRawOptions): FlopsOptions {
  const model = raw.model ?? '';
  if (!isModelName(model)) {
    throw new ConfigError(
      model ? `unknown model '${model}'` : 'missing --model',
      `allowed models: ${MODEL_NAMES.join(', ')}`,
    );
  }
  let input: [number, number, number] = [DEFAULT_PATCH[0], DEFAULT_PATCH[1], DEFAULT_PATCH[2]];
  if (raw.input !== undefined) {
    const sizes = parsePositiveIntList(raw.input, '--input', '64,128,128');
    if (sizes.length !== 3) {
      throw new ConfigError(
        `--input '${raw.input}' has ${sizes.length} sizes`,
        'give three sizes D,H,W (z,y,x), e.g. 64,128,128',
      );
    }
    input = [sizes[0]!, sizes[1]!, sizes[2]!];
  }
  const batch = raw.batch === undefined ? DEFAULT_BATCH : parsePositiveInt(raw.batch, '--batch');
  const channels =
    raw.channels === undefined
      ? undefined
      : parsePositiveIntList(raw.channels, '--channels', '24,32,48,72,104');
  return {
    model,
    input,
    batch,
    channels,
    device: raw.device ?? DEFAULT_ROOFLINE_DEVICE,
    precision: parsePrecision(raw.precision ?? 'fp32'),
    json: raw.json ?? false,
  };
}
