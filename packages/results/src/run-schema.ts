import { z } from 'zod';
import { ProvenanceSchema } from './provenance-schema.js';
import { RowSchema } from './row-schema.js';

/** The schema version this build writes and reads. Bump it on any incompatible change. */
export const RESULTS_SCHEMA_VERSION = 1;

/** One bench run: where and how it ran, then one row per Table-1 configuration. */
export const BenchRunSchema = z
  .object({
    schemaVersion: z.literal(RESULTS_SCHEMA_VERSION),
    provenance: ProvenanceSchema,
    rows: z.array(RowSchema),
  })
  .superRefine((run, ctx) => {
    const seen = new Set<string>();
    run.rows.forEach((row, i) => {
      if (seen.has(row.id)) {
        ctx.addIssue({ code: 'custom', path: ['rows', i, 'id'], message: `duplicate row id '${row.id}'` });
      }
      seen.add(row.id);
    });
  });

export type BenchRun = z.infer<typeof BenchRunSchema>;
/** A run as a writer may build it (fields with defaults may be left out). */
export type BenchRunInput = z.input<typeof BenchRunSchema>;
