import type { Command } from 'commander';
import { type EvaluateCliOptions, formatEvaluation, runEvaluate } from './run-evaluate.js';

/**
 * `unet3d evaluate --checkpoint C --image A --labels B [--split x:0.8] [--json]`: voxel accuracy of the
 * nearest-neighbour affinities at 0.5 and the adapted Rand error of their connected components, on the
 * validation part of the volume.
 */
export function register(program: Command): void {
  program
    .command('evaluate')
    .description('score a checkpoint on the validation part of an EM image + label pair')
    .requiredOption('--checkpoint <path>', 'checkpoint written by `unet3d train --checkpoint`')
    .requiredOption('--image <volume>', 'stack.tif or file.h5:/dataset')
    .requiredOption('--labels <volume>', 'its label volume (same shape, integer ids; 0 = boundary)')
    .option('--split <axis:fraction>', 'as in training: the part after the fraction is evaluated', 'x:0.8')
    .option('--anisotropy <ratio>', 'rescale to this z/xy anisotropy first (needs --voxel-nm)')
    .option('--voxel-nm <z,y,x>', "the files' voxel size in nm, e.g. 30,6,6")
    .option('--model <name>', 'refuse a checkpoint of another model')
    .option('--backend <name>', 'conv backend', 'onnxruntime')
    .option('--overlap <fraction>', 'sliding-window overlap', '0.5')
    .option('--json', 'print the metrics as JSON')
    .action(async (opts: EvaluateCliOptions) => {
      const r = await runEvaluate(opts);
      process.stdout.write(opts.json ? `${JSON.stringify(r, null, 2)}\n` : formatEvaluation(r));
      process.exitCode = 0;
    });
}
