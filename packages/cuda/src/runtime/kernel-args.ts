/** One kernel argument with its C type. Device pointers are bigints. */
export type KernelArg =
  | { readonly kind: 'ptr'; readonly value: bigint }
  | { readonly kind: 'i32'; readonly value: number }
  | { readonly kind: 'u32'; readonly value: number }
  | { readonly kind: 'f32'; readonly value: number }
  | { readonly kind: 'i64'; readonly value: bigint }
  | { readonly kind: 'f64'; readonly value: number };

/** Constructors: `arg.ptr(t.ptr), arg.i32(n), arg.f32(alpha)`. */
export const arg = {
  ptr: (value: bigint): KernelArg => ({ kind: 'ptr', value }),
  i32: (value: number): KernelArg => {
    if (!Number.isInteger(value) || value < -(2 ** 31) || value >= 2 ** 31)
      throw new RangeError(`kernel arg i32 out of range: ${value}`);
    return { kind: 'i32', value };
  },
  u32: (value: number): KernelArg => {
    if (!Number.isInteger(value) || value < 0 || value >= 2 ** 32)
      throw new RangeError(`kernel arg u32 out of range: ${value}`);
    return { kind: 'u32', value };
  },
  f32: (value: number): KernelArg => ({ kind: 'f32', value }),
  i64: (value: bigint | number): KernelArg => ({ kind: 'i64', value: BigInt(value) }),
  f64: (value: number): KernelArg => ({ kind: 'f64', value }),
};

const SIZE: Record<KernelArg['kind'], number> = { ptr: 8, i32: 4, u32: 4, f32: 4, i64: 8, f64: 8 };

export interface PackedArgs {
  /** Byte offset of each argument inside `bytes`. */
  readonly offsets: readonly number[];
  readonly byteLength: number;
}

/** Lay the arguments out with natural alignment (as the C ABI would) and write them into `view` at 0. */
export function packKernelArgs(args: readonly KernelArg[], view?: DataView): PackedArgs {
  const offsets: number[] = [];
  let off = 0;
  for (const a of args) {
    const size = SIZE[a.kind];
    off = Math.ceil(off / size) * size;
    offsets.push(off);
    if (view) {
      if (off + size > view.byteLength) throw new RangeError(`kernel args exceed ${view.byteLength} bytes`);
      switch (a.kind) {
        case 'ptr':
          view.setBigUint64(off, a.value, true);
          break;
        case 'i64':
          view.setBigInt64(off, a.value, true);
          break;
        case 'i32':
          view.setInt32(off, a.value, true);
          break;
        case 'u32':
          view.setUint32(off, a.value, true);
          break;
        case 'f32':
          view.setFloat32(off, a.value, true);
          break;
        case 'f64':
          view.setFloat64(off, a.value, true);
          break;
      }
    }
    off += size;
  }
  return { offsets, byteLength: off };
}

/** Write the `void *kernelParams[]` array: one pointer per argument, `base + offset`. */
export function writeParamPointers(
  base: bigint,
  offsets: readonly number[],
  view: DataView,
  at: number,
): void {
  for (let i = 0; i < offsets.length; i++) {
    view.setBigUint64(at + 8 * i, base + BigInt(offsets[i]!), true);
  }
}
