/**
 * Throughput in the two conventions used side by side in our reports:
 *  - `macAsOneOp`: the paper's convention (one multiply-accumulate counted as one operation);
 *  - `macAsTwoFlop`: the usual convention (1 MAC = 2 FLOP), the one device peaks are quoted in.
 */
export interface Throughput {
  /** GFLOP/s with 1 MAC = 1 op (the paper's Table 1 convention). */
  readonly macAsOneOp: number;
  /** GFLOP/s with 1 MAC = 2 FLOP. */
  readonly macAsTwoFlop: number;
}

/** GFLOP/s in both conventions for `macs` multiply-accumulates done in `ms` milliseconds. */
export function throughputFromMacs(macs: number, ms: number): Throughput {
  if (!(ms > 0)) throw new RangeError(`time must be positive to compute a rate, got ${ms} ms`);
  const gmacPerSecond = macs / 1e9 / (ms / 1e3);
  return { macAsOneOp: gmacPerSecond, macAsTwoFlop: 2 * gmacPerSecond };
}

/** GFLOP in the paper's convention (MAC = 1 op): the Table 1 "GFLOP" column. */
export function paperGflop(macs: number): number {
  return macs / 1e9;
}
