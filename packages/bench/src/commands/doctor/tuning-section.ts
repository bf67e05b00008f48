import type { TuningLogPlan } from './doctor-report.js';

/** Which tuning logs row 4 (tvm-cpu) applies on this identity, or what `pnpm bench` would do without one. */
export async function tuningSection(resultsRoot: string, slug: string): Promise<TuningLogPlan> {
  let tvm: typeof import('@unet3d/backend-tvm');
  try {
    tvm = await import('@unet3d/backend-tvm');
  } catch {
    return { slug, logs: [], summary: '@unet3d/backend-tvm is not installed: row 4 runs onnxruntime' };
  }
  const logs = tvm.cpuTuningLogs(resultsRoot, slug);
  if (logs.length > 0) return { slug, logs, summary: `${logs.join(', ')} (tuned on this identity)` };
  const near = tvm.nearestCpuWithLogs(resultsRoot, slug);
  return {
    slug,
    logs: [],
    summary: `none for ${slug} under ${resultsRoot}/tuning: \`pnpm bench\` tunes first (3 min by default)${near ? `, seeded from the nearest identity's best configs (${near.slug}), re-measured here` : ''}`,
  };
}
