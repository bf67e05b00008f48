import type { QuietVerdict } from './doctor-report.js';

/** Whether the machine is quiet enough to measure (placeholder until the system readings land). */
export async function quietSection(): Promise<QuietVerdict> {
  return { quiet: null, summary: 'not checked', reading: null };
}
