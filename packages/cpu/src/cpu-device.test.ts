import { describe, expect, it } from 'vitest';
import { CpuDevice } from './cpu-device.js';

describe('CpuDevice buffer pool', () => {
  it('reuses freed storage of the same element count for alloc, any shape', () => {
    const d = new CpuDevice();
    const a = d.alloc([2, 3]);
    const storage = a.data;
    d.free(a);
    expect(d.memoryStats()).toMatchObject({ currentBytes: 0, pooledBytes: 24, reservedBytes: 24 });
    const b = d.alloc([3, 2]);
    expect(b.data).toBe(storage);
    expect(d.memoryStats()).toMatchObject({ currentBytes: 24, pooledBytes: 0, reservedBytes: 24 });
    const c = d.alloc([7]); // no pooled array of 7 elements: fresh storage
    expect(c.data).not.toBe(storage);
    expect(c.data.length).toBe(7);
  });

  it('clears reused storage in zeros (alloc leaves it uninitialised)', () => {
    const d = new CpuDevice();
    const a = d.upload(new Float32Array([1, 2, 3, 4]), [4]);
    const storage = a.data;
    d.free(a);
    const z = d.zeros([2, 2]);
    expect(z.data).toBe(storage);
    expect([...z.data]).toEqual([0, 0, 0, 0]);
    z.data.fill(5);
    d.free(z);
    const u = d.alloc([4]);
    expect(u.data).toBe(storage);
    expect([...u.data]).toEqual([5, 5, 5, 5]);
  });

  it('pools per precision: float64 devices hand out Float64Array storage', () => {
    const d = new CpuDevice({ precision: 'float64' });
    const a = d.alloc([3]);
    d.free(a);
    const b = d.zeros([3]);
    expect(b.data).toBeInstanceOf(Float64Array);
    expect(b.data).toBe(a.data);
    // storage of another precision, or a view into a larger buffer, is never pooled
    const foreign = d.adopt([2], new Float32Array(2));
    d.free(foreign);
    const view = d.adopt([2], new Float64Array(4).subarray(1, 3));
    d.free(view);
    expect(d.memoryStats().pooledBytes).toBe(0);
  });

  it('ignores a double free: the storage is pooled once and handed out once', () => {
    const d = new CpuDevice();
    const a = d.alloc([8]);
    d.free(a);
    d.free(a);
    expect(d.memoryStats()).toMatchObject({ currentBytes: 0, pooledBytes: 32 });
    const b = d.alloc([8]);
    const c = d.alloc([8]);
    expect(b.data).toBe(a.data);
    expect(c.data).not.toBe(a.data);
    expect(d.memoryStats().currentBytes).toBe(64);
  });

  it('keeps at most poolBytes, dropping least recently used sizes first', () => {
    const d = new CpuDevice({ poolBytes: 100 });
    const a = d.alloc([10]); // 40 bytes
    const b = d.alloc([5]); // 20 bytes
    const c = d.alloc([10]);
    const big = d.alloc([30]); // 120 bytes: larger than the whole pool
    d.free(a);
    d.free(b);
    d.free(c);
    expect(d.memoryStats().pooledBytes).toBe(100);
    d.free(big);
    expect(d.memoryStats().pooledBytes).toBe(100);
    const e = d.alloc([10]); // takes c (most recent of its size), making size 10 the most recently used
    expect(e.data).toBe(c.data);
    const f = d.alloc([11]); // 44 bytes
    d.free(f); // 60 + 44 > 100: evicts one array of the least recently used size (5)
    expect(d.memoryStats().pooledBytes).toBe(84);
    expect(d.alloc([5]).data).not.toBe(b.data);
    expect(d.alloc([10]).data).toBe(a.data);
  });

  it('pools nothing with poolBytes 0, and releases the pool on demand and on dispose', () => {
    const off = new CpuDevice({ poolBytes: 0 });
    const a = off.alloc([4]);
    off.free(a);
    expect(off.alloc([4]).data).not.toBe(a.data);
    expect(off.memoryStats().pooledBytes).toBe(0);

    const d = new CpuDevice();
    d.free(d.alloc([4]));
    expect(d.memoryStats().pooledBytes).toBe(16);
    d.releasePool();
    expect(d.memoryStats()).toMatchObject({ pooledBytes: 0, reservedBytes: 0 });
    d.free(d.alloc([4]));
    d.dispose();
    expect(d.memoryStats().pooledBytes).toBe(0);
    expect(() => new CpuDevice({ poolBytes: -1 })).toThrow(RangeError);
  });

  it('rejects an upload of the wrong length without leaking a tensor', () => {
    const d = new CpuDevice();
    expect(() => d.upload(new Float32Array(3), [4])).toThrow(RangeError);
    expect(d.memoryStats().currentBytes).toBe(0);
  });
});
