import { formatShape, MATH_MODES } from '@unet3d/core';
import {
  type ConformanceResult,
  checkBackendAgainstReference,
  formatConformanceResult,
} from '@unet3d/core/testing';
import { type Command, Option } from 'commander';
import { knownBackendNames, openBackend } from '../../backends.js';
import {
  DEFAULT_TOLERANCE,
  parseMathMode,
  parsePatch,
  parsePositiveInt,
  parsePositiveNumber,
} from '../../options.js';
import { modelConvWorkloads, parseModels, VERIFY_PATCH } from './workloads.js';

interface VerifyOptions {
  backend: string;
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
 */
export function register(program: Command): void {
  program
    .command('verify')
    .description('check a conv backend against the float64 reference on every conv workload of the models')
    .addOption(
      new Option('--backend <name>', 'conv backend to check')
        .choices(knownBackendNames())
        .makeOptionMandatory(),
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
  const models = parseModels(opts.model);
  const patch = opts.input ? parsePatch(opts.input) : VERIFY_PATCH;
  const batch = parsePositiveInt(opts.batch, '--batch');
  const mathMode = parseMathMode(opts.math);
  const tolerance = opts.tolerance
    ? parsePositiveNumber(opts.tolerance, '--tolerance')
    : DEFAULT_TOLERANCE[mathMode];
  const seed = Number(opts.seed);
  const workloads = modelConvWorkloads(models, patch, batch);
  const opened = await openBackend(opts.backend, { mathMode });
  const started = performance.now();
  let results: ConformanceResult[];
  try {
    if (!opts.json) {
      process.stdout.write(
        `verify ${opts.backend} (${mathMode}, tolerance ${tolerance}) on ${opened.device.name}: ` +
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
      backend: opts.backend,
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
  return failed.length === 0 ? 0 : 1;
}

/** JSON has no Infinity: a failure without a number is null (its `error` says why). */
function finiteOrNull(v: number): number | null {
  return Number.isFinite(v) ? v : null;
}
