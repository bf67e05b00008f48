import { createHash } from 'node:crypto';
import type { SeededRng as Rng } from '@unet3d/core';
import { ConfigError } from '@unet3d/core';
import type { Knob, KnobValues } from '../config/knob.js';

export type { Knob, KnobValues } from '../config/knob.js';
export { nextPow2, powersOfTwo } from '../config/knob.js';

/** Why a config cannot run (shared memory, threads, tile shapes), or undefined when it is valid. */
export type ConfigValidator = (values: KnobValues) => string | undefined;

/**
 * AutoTVM's ConfigSpace: the cross product of knobs. A config is one integer in [0, size), decoded in mixed
 * radix with the first knob as the least significant digit. Invalid configs stay in the index space (as in
 * AutoTVM) and are filtered by `isValid`.
 */
export class ConfigSpace {
  readonly knobs: readonly Knob[];
  readonly size: number;
  /** Hash of the knob names and candidate values; records made under another space are re-encoded by knobs. */
  readonly fingerprint: string;
  private readonly validator: ConfigValidator;
  private readonly validCache = new Map<number, string | undefined>();

  constructor(knobs: readonly Knob[], validator: ConfigValidator = () => undefined) {
    if (knobs.length === 0) throw new ConfigError('a config space needs at least one knob');
    for (const k of knobs) {
      if (k.values.length === 0) throw new ConfigError(`knob '${k.name}' has no candidate values`);
    }
    this.knobs = knobs;
    this.size = knobs.reduce((s, k) => s * k.values.length, 1);
    if (!Number.isSafeInteger(this.size)) throw new ConfigError('config space too large to index');
    this.validator = validator;
    this.fingerprint = createHash('sha256')
      .update(JSON.stringify(knobs.map((k) => [k.name, k.values])))
      .digest('hex')
      .slice(0, 16);
  }

  /** Per-knob digit (index into each knob's values) of a config index. */
  digits(index: number): number[] {
    this.checkIndex(index);
    const out: number[] = [];
    let rest = index;
    for (const k of this.knobs) {
      out.push(rest % k.values.length);
      rest = Math.floor(rest / k.values.length);
    }
    return out;
  }

  fromDigits(digits: readonly number[]): number {
    let index = 0;
    for (let i = this.knobs.length - 1; i >= 0; i--) {
      const n = this.knobs[i]!.values.length;
      const d = digits[i]!;
      if (!Number.isInteger(d) || d < 0 || d >= n)
        throw new ConfigError(`digit ${d} out of range for knob ${i}`);
      index = index * n + d;
    }
    return index;
  }

  decode(index: number): KnobValues {
    const digits = this.digits(index);
    const out: Record<string, number> = {};
    this.knobs.forEach((k, i) => {
      out[k.name] = k.values[digits[i]!]!;
    });
    return out;
  }

  /** Index of a knob assignment, or undefined when a value is not a candidate of this space. */
  encode(values: KnobValues): number | undefined {
    const digits: number[] = [];
    for (const k of this.knobs) {
      const v = values[k.name];
      const d = v === undefined ? -1 : k.values.indexOf(v);
      if (d < 0) return undefined;
      digits.push(d);
    }
    return this.fromDigits(digits);
  }

  invalidReason(index: number): string | undefined {
    if (this.validCache.has(index)) return this.validCache.get(index);
    const reason = this.validator(this.decode(index));
    if (this.validCache.size < 1_000_000) this.validCache.set(index, reason);
    return reason;
  }

  isValid(index: number): boolean {
    return this.invalidReason(index) === undefined;
  }

  /** A uniformly random valid config (rejection sampling, then a scan from a random start). */
  randomValid(rng: Rng, exclude?: ReadonlySet<number>): number | undefined {
    for (let t = 0; t < 256; t++) {
      const i = rng.int(this.size);
      if (!exclude?.has(i) && this.isValid(i)) return i;
    }
    const start = rng.int(this.size);
    for (let s = 0; s < this.size; s++) {
      const i = (start + s) % this.size;
      if (!exclude?.has(i) && this.isValid(i)) return i;
    }
    return undefined;
  }

  /** A random neighbour: one knob moved to another candidate (±1 step half the time, a jump otherwise). */
  mutate(index: number, rng: Rng): number {
    const digits = this.digits(index);
    const movable = this.knobs.map((k, i) => (k.values.length > 1 ? i : -1)).filter((i) => i >= 0);
    if (movable.length === 0) return index;
    const ki = rng.pick(movable);
    const n = this.knobs[ki]!.values.length;
    const d = digits[ki]!;
    let nd: number;
    if (rng.next() < 0.5) nd = Math.min(n - 1, Math.max(0, d + (rng.next() < 0.5 ? -1 : 1)));
    else nd = rng.int(n);
    if (nd === d) nd = (d + 1 + rng.int(n - 1)) % n;
    digits[ki] = nd;
    return this.fromDigits(digits);
  }

  /** Count valid configs (exact when the space is small, else estimated from a seeded sample). */
  countValid(rng: Rng, sample = 20_000): { count: number; exact: boolean } {
    if (this.size <= sample) {
      let c = 0;
      for (let i = 0; i < this.size; i++) if (this.isValid(i)) c++;
      return { count: c, exact: true };
    }
    let c = 0;
    for (let t = 0; t < sample; t++) if (this.isValid(rng.int(this.size))) c++;
    return { count: Math.round((c / sample) * this.size), exact: false };
  }

  private checkIndex(index: number): void {
    if (!Number.isInteger(index) || index < 0 || index >= this.size) {
      throw new ConfigError(`config index ${index} out of range [0, ${this.size})`);
    }
  }
}
