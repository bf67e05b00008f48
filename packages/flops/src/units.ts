/** The one convention of this package: one multiply-accumulate (MAC) is two floating-point operations. */
export const FLOP_PER_MAC = 2;

/** MACs → FLOP. */
export function macsToFlop(macs: number): number {
  return macs * FLOP_PER_MAC;
}

export const GIGA = 1e9;
