import type { CpuIdentity } from '@unet3d/results';
import type { TuningLogPlan } from './doctor-report.js';

/** Which tuning logs row 4 (tvm-cpu) applies on this identity, or what `pnpm bench` would do without one. */
export async function tuningSection(
  resultsRoot: string,
  identity: CpuIdentity,
  slug: string,
): Promise<TuningLogPlan> {
  let logs: typeof import('@unet3d/backend-tvm/tuning-logs');
  try {
    logs = await import('@unet3d/backend-tvm/tuning-logs');
  } catch {
    return { slug, logs: [], summary: '@unet3d/backend-tvm is not installed: row 4 runs onnxruntime' };
  }
  const here = logs.tuningLogsOf(resultsRoot, slug);
  if (here.length > 0) return { slug, logs: here, summary: `${here.join(', ')} (tuned on this identity)` };
  const near = logs.nearestCpuWithLogs(resultsRoot, identity);
  return {
    slug,
    logs: [],
    summary: `none for ${slug} under ${resultsRoot}/tuning: \`pnpm bench\` tunes first (3 min by default)${near ? `, re-measuring first the best configs of the nearest identity with a log, ${near.slug}; \`--tuning-from ${near.slug}\` would apply that log as it is` : ''}`,
  };
}
