import {
  computeFlopsReport,
  DEVICE_PROFILES,
  flopsReportJson,
  PRECISIONS,
  renderFlopsTable,
} from '@unet3d/flops';
import { MODEL_NAMES } from '@unet3d/model';
import { type Command, Option } from 'commander';
import { parseFlopsOptions } from './flops-options.js';

export { type FlopsOptions, type FlopsRawOptions, parseFlopsOptions } from './flops-options.js';

/** `unet3d flops`: per-layer FLOP, parameters, bytes and totals of a Table-1 network. */
export function register(program: Command): void {
  program
    .command('flops')
    .description('per-layer FLOP (forward, backward-data, backward-filter), parameters, bytes and totals')
    .addOption(new Option('--model <name>', 'the network (required)').choices(MODEL_NAMES))
    .option('--input <D,H,W>', 'patch size z,y,x (default 64,128,128)')
    .option('--batch <N>', 'batch size (default 1)')
    .option('--channels <c0,...,c4>', 'channels per level (default: the model’s paper channels)')
    .addOption(
      new Option(
        '--device <profile>',
        'device profile for the roofline bound (default titan-x-pascal)',
      ).choices(DEVICE_PROFILES.map((d) => d.id)),
    )
    .addOption(
      new Option('--precision <p>', 'precision of the roofline bound (default fp32)').choices(PRECISIONS),
    )
    .option('--json', 'print one JSON document instead of the table')
    .action((raw: Record<string, unknown>) => {
      const options = parseFlopsOptions({
        model: raw['model'] as string | undefined,
        input: raw['input'] as string | undefined,
        batch: raw['batch'] as string | undefined,
        channels: raw['channels'] as string | undefined,
        device: raw['device'] as string | undefined,
        precision: raw['precision'] as string | undefined,
        json: raw['json'] === true,
      });
      const report = computeFlopsReport(options);
      process.stdout.write(
        options.json ? `${JSON.stringify(flopsReportJson(report), null, 2)}\n` : renderFlopsTable(report),
      );
    });
}
