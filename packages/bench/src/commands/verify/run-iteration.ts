import { ConfigError } from '@unet3d/core';
import { type OpenedBackend, openBackend, openFirstBackend } from '../../backends.js';
import { openBackendFamily } from './backend-family.js';
import {
  checkTrainingIteration,
  formatIterationCheck,
  ITERATION_CHECK_TOLERANCE,
  type IterationCheckReport,
  tinyCheckNetwork,
} from './iteration-check.js';
import { jsonSafe } from './run-device-ops.js';
import { VERIFY_EXIT } from './verify-exit.js';

const REFERENCE_CANDIDATES: Readonly<Record<string, readonly string[]>> = {
  auto: ['onnxruntime', 'reference'],
  onnxruntime: ['onnxruntime'],
  reference: ['reference'],
};

export interface IterationOptions {
  /** The backend under test (a family name such as `tvm` resolves like `verify --backend`). */
  backend: string;
  /**
   * The CPU reference backend: onnxruntime, reference (float64 conv), or auto (default: onnxruntime, else
   * reference — the GPU bundle carries no onnxruntime).
   */
  reference: string;
  seed: number;
  tolerance?: number;
  json: boolean;
}

/**
 * `unet3d verify --iteration --backend X`: one full training iteration (loss, every gradient, next-step loss)
 * of both tiny check networks (baseline and strided variants) with X on its own device, against the CPU
 * device with the reference backend; fp32, relative error < 1e-3 each (iteration-check.ts).
 */
export async function runIteration(opts: IterationOptions): Promise<number> {
  const referenceCandidates = REFERENCE_CANDIDATES[opts.reference];
  if (!referenceCandidates) {
    throw new ConfigError(
      `unknown --reference '${opts.reference}'`,
      'use --reference auto, onnxruntime or reference',
    );
  }
  const tolerance = opts.tolerance ?? ITERATION_CHECK_TOLERANCE;
  const subject = await openBackendFamily(opts.backend, { mathMode: 'fp32' });
  let reference: OpenedBackend | undefined;
  const reports: IterationCheckReport[] = [];
  try {
    reference =
      referenceCandidates.length === 1
        ? await openBackend(opts.reference, { mathMode: 'fp32' })
        : await openFirstBackend(referenceCandidates, { mathMode: 'fp32' });
    if (reference.device.kind !== 'cpu') {
      throw new ConfigError(
        `reference backend '${opts.reference}' is not on the CPU`,
        'use --reference onnxruntime',
      );
    }
    for (const strided of [false, true]) {
      const report = await checkTrainingIteration(
        { device: subject.device, backend: subject.backend },
        { device: reference.device, backend: reference.backend },
        { network: tinyCheckNetwork(strided), seed: opts.seed, tolerance },
      );
      if (!opts.json) process.stdout.write(`${formatIterationCheck(report)}\n`);
      reports.push(report);
    }
  } finally {
    await reference?.close();
    await subject.close();
  }
  const pass = reports.every((r) => r.pass);
  if (opts.json) {
    const json = {
      command: 'verify',
      check: 'iteration',
      backend: subject.backend.name,
      reference: reference?.backend.name ?? opts.reference,
      tolerance,
      pass,
      reports: jsonSafe(reports),
    };
    process.stdout.write(`${JSON.stringify(json, null, 2)}\n`);
  }
  return pass ? VERIFY_EXIT.pass : VERIFY_EXIT.fail;
}
