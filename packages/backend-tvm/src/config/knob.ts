/** One tunable knob and its candidate values (derived from the workload by a template). */
export interface Knob {
  readonly name: string;
  readonly values: readonly number[];
}

/** A decoded config: knob name → chosen value. */
export type KnobValues = Readonly<Record<string, number>>;

/** Powers of two from `lo` to `hi` inclusive (lo, hi powers of two). */
export function powersOfTwo(lo: number, hi: number): number[] {
  const out: number[] = [];
  for (let v = lo; v <= hi; v *= 2) out.push(v);
  return out;
}

export function nextPow2(n: number): number {
  let v = 1;
  while (v < n) v *= 2;
  return v;
}

/** The value of a knob in a config; throws when the config lacks it (a template/space mismatch). */
export function knob(values: KnobValues, name: string): number {
  const v = values[name];
  if (v === undefined) throw new Error(`config has no knob '${name}'`);
  return v;
}
