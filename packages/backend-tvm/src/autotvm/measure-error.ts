/** AutoTVM's MeasureErrorNo: why a measurement produced no valid cost. */
export const MeasureErrorNo = {
  NO_ERROR: 0,
  INSTANTIATION_ERROR: 1,
  COMPILE_HOST: 2,
  COMPILE_DEVICE: 3,
  RUNTIME_DEVICE: 4,
  WRONG_ANSWER: 5,
  BUILD_TIMEOUT: 6,
  RUN_TIMEOUT: 7,
  UNKNOWN_ERROR: 8,
} as const;

export type MeasureErrorName = keyof typeof MeasureErrorNo;
export type MeasureErrorCode = (typeof MeasureErrorNo)[MeasureErrorName];

export function measureErrorName(code: number): MeasureErrorName {
  const hit = (Object.keys(MeasureErrorNo) as MeasureErrorName[]).find((k) => MeasureErrorNo[k] === code);
  return hit ?? 'UNKNOWN_ERROR';
}

/** The outcome of measuring one config. Costs are per-repeat kernel times in milliseconds. */
export interface MeasureResult {
  readonly costsMs: readonly number[];
  readonly error: MeasureErrorCode;
  readonly errorMsg?: string;
  /** Wall time spent on this config (build + run), seconds. */
  readonly allCostS: number;
  readonly timestamp: string;
  readonly registers?: number;
  readonly spillBytes?: number;
}

export function meanCost(r: { readonly costsMs: readonly number[]; readonly error: number }): number {
  if (r.error !== MeasureErrorNo.NO_ERROR || r.costsMs.length === 0) return Number.POSITIVE_INFINITY;
  return r.costsMs.reduce((s, c) => s + c, 0) / r.costsMs.length;
}
