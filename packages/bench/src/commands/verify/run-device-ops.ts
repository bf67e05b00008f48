import { ConfigError, type Device, errorToOneLine } from '@unet3d/core';
import { CpuDevice } from '@unet3d/cpu';
import { createDevice } from '../../backends.js';
import { checkDeviceOps, type DeviceCheckReport, formatDeviceCheck } from './device-check.js';
import { VERIFY_EXIT } from './verify-exit.js';

export interface DeviceOpsOptions {
  /** The device under test: 'cuda' (default) or 'cpu' (the float32 CPU device, a self-check). */
  device: string;
  seed: number;
  tolerance?: number;
  json: boolean;
}

/**
 * `unet3d verify --device-ops`: every non-conv op of a training step (DeviceOps) on the device under test
 * against the float64 CPU device, same seeded inputs, normwise relative error ≤ 1e-4 each (device-check.ts).
 * Returns the exit code (VERIFY_EXIT); without a CUDA device: one line on stderr and VERIFY_EXIT.noCudaDevice.
 */
export async function runDeviceOps(opts: DeviceOpsOptions): Promise<number> {
  if (opts.device !== 'cuda' && opts.device !== 'cpu') {
    throw new ConfigError(`unknown --device '${opts.device}'`, 'use --device cuda or --device cpu');
  }
  let subject: Device;
  if (opts.device === 'cuda') {
    try {
      subject = await createDevice('cuda');
    } catch (err) {
      process.stderr.write(
        `unet3d: verify --device-ops needs a CUDA device: ${errorToOneLine(err)} ` +
          '(use --device cpu for the CPU self-check)\n',
      );
      return VERIFY_EXIT.noCudaDevice;
    }
  } else {
    subject = new CpuDevice({ precision: 'float32' });
  }
  const reference = new CpuDevice({ precision: 'float64' });
  let report: DeviceCheckReport;
  try {
    report = checkDeviceOps(subject, reference, {
      seed: opts.seed,
      ...(opts.tolerance !== undefined ? { tolerance: opts.tolerance } : {}),
    });
  } finally {
    subject.dispose();
    reference.dispose();
  }
  if (opts.json) {
    process.stdout.write(
      `${JSON.stringify({ command: 'verify', check: 'device-ops', ...jsonSafe(report) }, null, 2)}\n`,
    );
  } else {
    process.stdout.write(`${formatDeviceCheck(report)}\n`);
  }
  return report.pass ? VERIFY_EXIT.pass : VERIFY_EXIT.fail;
}

/** JSON has no NaN or Infinity: such an error becomes null (the check's pass=false says it failed). */
export function jsonSafe<T>(value: T): T {
  return JSON.parse(
    JSON.stringify(value, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v)),
  ) as T;
}
