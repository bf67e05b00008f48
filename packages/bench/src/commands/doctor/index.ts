import type { Command } from 'commander';
import {
  type DoctorReport,
  detectFeatures,
  gpuSection,
  identitySection,
  kernelsSection,
  roofsSection,
} from './doctor-report.js';
import { quietSection } from './quiet-section.js';
import { renderDoctor } from './render-doctor.js';
import { tuningSection } from './tuning-section.js';

/**
 * `unet3d doctor`: in seconds, before a long run, what this machine is and whether it is fit to measure:
 * identity, the ISA path the kernels take, the measured roofs, the tuning log row 4 would apply and from where,
 * whether the GPU stack is usable, and whether the machine is quiet enough.
 */
export function register(program: Command): void {
  program
    .command('doctor')
    .description(
      'identity, kernel ISA path, measured roofs, tuning log for row 4, GPU stack, and whether the machine is quiet enough to measure',
    )
    .option('--results <dir>', 'results root folder (where tuning logs are found)', 'results')
    .option('--json', 'print one JSON document')
    .action(async (opts: { results: string; json?: boolean }) => {
      const features = detectFeatures();
      // The quiet check first: the roofs' own loops would count as this process's work, not other work.
      const quiet = await quietSection();
      const report: DoctorReport = {
        identity: identitySection(features),
        kernels: kernelsSection(features),
        roofs: await roofsSection(),
        tuning: await tuningSection(opts.results, features.identity, features.slug),
        gpu: await gpuSection(),
        quiet,
      };
      process.stdout.write(opts.json ? `${JSON.stringify(report, null, 2)}\n` : renderDoctor(report));
    });
}
