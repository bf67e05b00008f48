import { ConfigError, formatShape, MATH_MODES } from '@unet3d/core';
import {
  type ConformanceResult,
  checkBackendAgainstReference,
  formatConformanceResult,
} from '@unet3d/core/testing';
import { type Command, Option } from 'commander';
import { knownBackendNames } from '../../backends.js';
import {
  DEFAULT_TOLERANCE,
  parseMathMode,
  parsePatch,
  parsePositiveInt,
  parsePositiveNumber,
} from '../../options.js';
import { openBackendFamily } from './backend-family.js';
import { runDeviceOps } from './run-device-ops.js';
import { runIteration } from './run-iteration.js';
import { VERIFY_EXIT } from './verify-exit.js';
import { modelConvWorkloads, parseModels, VERIFY_PATCH } from './workloads.js';

interface VerifyOptions {
  backend?: string;
  deviceOps?: boolean;
  iteration?: boolean;
  device: string;
  reference: string;
  model: string;
  input?: string;
  batch: string;
  math: string;
  tolerance?: string;
  seed: string;
  json?: boolean;
}

/**
 * `unet3d verify --backend <name>`: every conv workload of the model(s) at a reduced patch, each pass, through
 * the backend and through the float64 reference; exits 1 when any error exceeds the tolerance.
 * `--device-ops`: the device's non-conv ops against the float64 CPU device (run-device-ops.ts).
 * `--iteration --backend <name>`: one training iteration against the CPU (run-iteration.ts).
 * A paper implementation's backend name means its family (backend-family.ts: `tvm` → tvm, else tvm-cpu).
 * Exit codes: VERIFY_EXIT.
 */
export function register(program: Command): void {
  program
    .command('verify')
    .description('check a conv backend against the float64 reference on every conv workload of the models')
    .addOption(
      new Option('--backend <name>', 'conv backend to check (tvm = tvm, else tvm-cpu)').choices(
        knownBackendNames(),
      ),
    )
    .option('--device-ops', "check the device's non-conv ops against the float64 CPU device")
    .option('--device <kind>', 'device under test for --device-ops: cuda | cpu (CPU self-check)', 'cuda')
    .option('--iteration', 'check one training iteration of --backend (+ its device) against the CPU')
    .option(
      '--reference <name>',
      'CPU reference of --iteration: auto (onnxruntime, else reference) | onnxruntime | reference',
      'auto',
    )
    .option('--model <name>', 'baseline | strided | scaled | all (or a comma list)', 'all')
    .option('--input <D,H,W>', `reduced patch (default ${VERIFY_PATCH.join(',')})`)
    .option('--batch <n>', 'batch size', '1')
    .addOption(new Option('--math <mode>', 'math mode').choices(MATH_MODES).default('fp32'))
    .option('--tolerance <rel>', 'largest accepted relative error (default fp32 1e-4, tf32 5e-3, bf16 3e-2)')
    .option('--seed <n>', 'seed of the random operands', '1')
    .option('--json', 'print a JSON object instead of text')
    .action(async (opts: VerifyOptions) => {
      process.exitCode = await runVerify(opts);
    });
}

export async function runVerify(opts: VerifyOptions): Promise<number> {
  const tol = opts.tolerance ? parsePositiveNumber(opts.tolerance, '--tolerance') : undefined;
  const common = {
    seed: Number(opts.seed),
    json: opts.json === true,
    ...(tol !== undefined ? { tolerance: tol } : {}),
  };
  if (opts.deviceOps && opts.iteration) {
    throw new ConfigError('--device-ops and --iteration are separate checks', 'run verify once for each');
  }
  if (opts.deviceOps) return runDeviceOps({ ...common, device: opts.device });
  if (!opts.backend) {
    throw new ConfigError(
      'verify needs --backend <name> (or --device-ops)',
      'e.g. `unet3d verify --backend onnxruntime`',
    );
  }
  if (opts.iteration) return runIteration({ ...common, backend: opts.backend, reference: opts.reference });
  return runConvVerify({ ...opts, backend: opts.backend });
}

async function runConvVerify(opts: VerifyOptions & { backend: string }): Promise<number> {
  const models = parseModels(opts.model);
  const patch = opts.input ? parsePatch(opts.input) : VERIFY_PATCH;
  const batch = parsePositiveInt(opts.batch, '--batch');
  const mathMode = parseMathMode(opts.math);
  const tolerance = opts.tolerance
    ? parsePositiveNumber(opts.tolerance, '--tolerance')
    : DEFAULT_TOLERANCE[mathMode];
  const seed = Number(opts.seed);
  const workloads = modelConvWorkloads(models, patch, batch);
  const opened = await openBackendFamily(opts.backend, { mathMode });
  const backendName = opened.backend.name;
  const started = performance.now();
  let results: ConformanceResult[];
  try {
    if (!opts.json) {
      process.stdout.write(
        `verify ${backendName} (${mathMode}, tolerance ${tolerance}) on ${opened.device.name}: ` +
          `${workloads.length} conv workloads of ${models.join(', ')} at ${formatShape([batch, ...patch])}\n`,
      );
    }
    results = [];
    for (const w of workloads) {
      const r = await checkBackendAgainstReference(opened.backend, [w], { tolerance, seed });
      if (!opts.json) for (const line of r) process.stdout.write(`${formatConformanceResult(line)}\n`);
      results.push(...r);
    }
  } finally {
    await opened.close();
  }
  const failed = results.filter((r) => !r.pass);
  const seconds = (performance.now() - started) / 1000;
  if (opts.json) {
    const json = {
      command: 'verify',
      backend: backendName,
      mathMode,
      tolerance,
      models,
      input: [batch, 1, ...patch],
      seed,
      pass: failed.length === 0,
      seconds,
      results: results.map((r) => ({
        ...r,
        maxAbsError: finiteOrNull(r.maxAbsError),
        maxRelError: finiteOrNull(r.maxRelError),
      })),
    };
    process.stdout.write(`${JSON.stringify(json, null, 2)}\n`);
  } else {
    const worst = results.reduce((m, r) => Math.max(m, r.maxRelError), 0);
    process.stdout.write(
      failed.length === 0
        ? `PASS: ${results.length} checks within ${tolerance} (worst rel ${worst.toExponential(2)}) in ${seconds.toFixed(1)} s\n`
        : `FAIL: ${failed.length} of ${results.length} checks above ${tolerance} (worst rel ${worst.toExponential(2)})\n`,
    );
  }
  return failed.length === 0 ? VERIFY_EXIT.pass : VERIFY_EXIT.fail;
}

/** JSON has no Infinity: a failure without a number is null (its `error` says why). */
function finiteOrNull(v: number): number | null {
  return Number.isFinite(v) ? v : null;
}
