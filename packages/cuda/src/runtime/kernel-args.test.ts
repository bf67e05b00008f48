import { describe, expect, it } from 'vitest';
import { getKoffi } from '../library/koffi.js';
import { arg, packKernelArgs, writeParamPointers } from './kernel-args.js';

describe('packKernelArgs', () => {
  it('aligns each argument naturally and writes little-endian values', () => {
    const view = new DataView(new ArrayBuffer(64));
    const p = packKernelArgs(
      [arg.ptr(0x1122334455667788n), arg.f32(1.5), arg.i64(7), arg.i32(-3), arg.u32(5), arg.f64(0.25)],
      view,
    );
    expect(p.offsets).toEqual([0, 8, 16, 24, 28, 32]);
    expect(p.byteLength).toBe(40);
    expect(view.getBigUint64(0, true)).toBe(0x1122334455667788n);
    expect(view.getFloat32(8, true)).toBe(1.5);
    expect(view.getBigInt64(16, true)).toBe(7n);
    expect(view.getInt32(24, true)).toBe(-3);
    expect(view.getFloat64(32, true)).toBe(0.25);
  });

  it('pads a pointer after a 4-byte argument', () => {
    expect(packKernelArgs([arg.i32(1), arg.ptr(2n)]).offsets).toEqual([0, 8]);
  });

  it('rejects out-of-range integers and overflowing blocks', () => {
    expect(() => arg.i32(2 ** 31)).toThrow(RangeError);
    expect(() => arg.u32(-1)).toThrow(RangeError);
    expect(() => packKernelArgs([arg.ptr(1n), arg.ptr(2n)], new DataView(new ArrayBuffer(12)))).toThrow(
      /exceed/,
    );
  });
});

describe('koffi marshalling patterns the bindings rely on (checked against libc)', () => {
  const koffi = getKoffi();
  const libc = koffi.load('libc.so.6');
  const memcpy = libc.func('void *memcpy(void *dst, void *src, size_t n)');
  const posixMemalign = libc.func('int posix_memalign(_Out_ void **p, size_t align, size_t size)');
  const strtol = libc.func('long strtol(const char *s, _Out_ const char **end, int base)');

  it('gives out-pointers as bigint (how handles and CUdeviceptr come back)', () => {
    const out: (bigint | null)[] = [null];
    expect(posixMemalign(out, 64, 128)).toBe(0);
    expect(typeof out[0]).toBe('bigint');
    koffi.free(out[0]);
  });

  it('returns `const char **` out-params as strings (cuGetErrorName)', () => {
    const end: (string | null)[] = [null];
    expect(strtol('42rest', end, 10)).toBe(42);
    expect(end[0]).toBe('rest');
  });

  it('writes through a typed array passed as void * (downloads, cubin, log buffers)', () => {
    const dst = new Float32Array(3);
    memcpy(dst, new Float32Array([1, 2, 3]), 12);
    expect([...dst]).toEqual([1, 2, 3]);
  });

  it('builds a kernelParams array in native memory whose pointers address each packed argument', () => {
    const base = koffi.alloc('uint8_t', 256) as bigint;
    try {
      const view = new DataView(koffi.view(base, 256));
      const packed = packKernelArgs(
        [arg.i32(11), arg.ptr(0xabcdefn), arg.f32(2.5)],
        new DataView(view.buffer, 0, 128),
      );
      writeParamPointers(base, packed.offsets, view, 128);
      // Follow params[2] (a pointer stored at byte 128 + 16) back to the float it addresses.
      const p2 = view.getBigUint64(128 + 16, true);
      const out = new Float32Array(1);
      memcpy(out, p2, 4);
      expect(out[0]).toBe(2.5);
      const p1 = view.getBigUint64(128 + 8, true);
      const ptr = new BigUint64Array(1);
      memcpy(ptr, p1, 8);
      expect(ptr[0]).toBe(0xabcdefn);
    } finally {
      koffi.free(base);
    }
  });
});
